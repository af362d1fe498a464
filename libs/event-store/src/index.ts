export * from './event-store.port.js';
export * from './errors.js';
export {
  retryLostRaces,
  fullJitterDelay,
  DEFAULT_LOST_RACE_RETRY,
  type LostRaceRetryPolicy,
} from './lost-race-retry.js';
export * from './sql-database.port.js';
export { advisoryLockKey } from './advisory-lock-key.js';
export { PgDatabase, type PgDatabaseOptions } from './pg-database.js';
export { PgliteDatabase, type PgliteDatabaseOptions } from './pglite-database.js';
export {
  runMigrations,
  migrateEventStore,
  eventStoreMigrations,
  MigrationChangedError,
  MIGRATION_LOCK_KEY,
  type Migration,
} from './migrations.js';
export {
  SqlEventStore,
  APPEND_LOCK_KEY,
  EVENTS_APPENDED_CHANNEL,
  type SqlEventStoreOptions,
} from './sql-event-store.adapter.js';
export { createEventStore, type CreateEventStoreOptions, type EventStoreHandle } from './create-event-store.js';
export * from './integrity/index.js';
export {
  KurrentDbEventStore,
  type KurrentDbEventStoreOptions,
  encodeKurrentDbPosition,
  decodeKurrentDbPosition,
  parseKurrentDbPosition,
  compareKurrentDbPositions,
  type KurrentDbLogPosition,
} from './kurrentdb/index.js';
export {
  actorDisplay,
  actorText,
  displayActorText,
  parseActor,
  type Actor,
  type ActorKind,
  type ReadActor,
} from './actor.js';
export * from './processing/index.js';
export { activeTraceparent, contextFromHeaders, inSpan, linksToAppends, TRACEPARENT, TRACER_NAME } from './tracing.js';
export { PersonKeys } from './personal-data/person-keys.js';
export {
  PersonalDataEventStore,
  PEOPLE_STREAM_ID,
  PERSON_ERASED,
  storedFormOf,
  type PersonErasedData,
} from './personal-data/personal-data-event-store.js';
export { ERASED_TEXT, isPersonalEnvelope, normaliseName } from './personal-data/personal-data-codec.js';
export { PERSONAL_FIELDS, personalFieldsOf } from './personal-data/personal-fields.js';
