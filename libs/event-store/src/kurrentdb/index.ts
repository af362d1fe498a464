export { KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb-event-store.adapter.js';
export {
  encodeKurrentDbPosition,
  decodeKurrentDbPosition,
  parseKurrentDbPosition,
  compareKurrentDbPositions,
  type KurrentDbLogPosition,
} from './kurrentdb-position.js';
