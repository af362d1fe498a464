import {
  EventStore,
  type AppendOptions,
  type AppendResult,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
} from '../event-store.port.js';
import type { PersonKeys } from './person-keys.js';
import { decryptPersonal, encryptPersonal, isPersonalEnvelope, type PersonalEnvelope } from './personal-data-codec.js';
import { mapPersonalFields, personalFieldsOf } from './personal-fields.js';

/** The stream of erasures, and its one event type: a person id, the reason, no personal data. */
export const PEOPLE_STREAM_ID = 'people';
export const PERSON_ERASED = 'PersonErased';

export interface PersonErasedData {
  personId: string;
  reason: string;
}

/** The name a personal field is looked up by: the text itself, or the JSON of a value that is not text. */
const nameOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * The store boundary of personal data (issue 18 item 5; docs/security.md, "Personal data"): on append
 * every personal field (personal-fields.ts) is replaced by an envelope encrypted with its person's key,
 * so the adapter stores, and hashes into the chain, only the envelope. On read the envelopes are
 * opened; a destroyed key reads as "erased". The domain and the read models never see an envelope.
 */
export class PersonalDataEventStore extends EventStore {
  constructor(
    private readonly inner: EventStore,
    readonly keys: PersonKeys,
  ) {
    super();
  }

  /** The store underneath, whose reads give the personal fields as stored (envelopes). */
  get stored(): EventStore {
    return this.inner;
  }

  async append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    // A malformed batch goes through as it is: the adapter refuses it with its own messages.
    if (!Array.isArray(events)) return this.inner.append(streamId, events, options);
    const sealed: NewEvent[] = [];
    for (const event of events) sealed.push(await this.seal(event));
    return this.inner.append(streamId, sealed, options);
  }

  private async seal(event: NewEvent): Promise<NewEvent> {
    if (typeof event !== 'object' || event === null || personalFieldsOf(event.type).length === 0) return event;
    const names = new Set<string>();
    mapPersonalFields(event.type, event.data, (value) => {
      if (!isPersonalEnvelope(value)) names.add(nameOf(value));
      return value;
    });
    if (names.size === 0) return event;
    const keys = new Map<string, { personId: string; key: Buffer }>();
    for (const name of names) keys.set(name, await this.keys.keyFor(name));
    const data = mapPersonalFields(event.type, event.data, (value) => {
      if (isPersonalEnvelope(value)) return value;
      const { personId, key } = keys.get(nameOf(value))!;
      return encryptPersonal(personId, key, value);
    });
    return { ...event, data };
  }

  /** The events with their envelopes opened (one key query for the persons not cached). */
  private async open(events: StoredEvent[]): Promise<StoredEvent[]> {
    const persons = new Set<string>();
    for (const event of events) {
      if (event.type === PERSON_ERASED) {
        const { personId } = (event.data ?? {}) as Partial<PersonErasedData>;
        if (typeof personId === 'string') this.keys.forget(personId);
      }
      mapPersonalFields(event.type, event.data, (value) => {
        if (isPersonalEnvelope(value)) persons.add(value.$personal.person);
        return value;
      });
    }
    if (persons.size === 0) return events;
    const keys = await this.keys.keysOf(persons);
    return events.map((event) =>
      personalFieldsOf(event.type).length === 0
        ? event
        : {
            ...event,
            data: mapPersonalFields(event.type, event.data, (value) =>
              isPersonalEnvelope(value) ? decryptPersonal(value, keys.get(envelopePerson(value)) ?? null) : value,
            ),
          },
    );
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.open(await this.inner.readStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return this.open(await this.inner.readAll(options));
  }

  subscribe(handler: SubscriptionHandler, options?: SubscribeOptions): Subscription {
    return this.inner.subscribe(async (events) => handler(await this.open(events)), options);
  }

  headPosition(): Promise<Position | null> {
    return this.inner.headPosition();
  }

  comparePositions(a: Position, b: Position): number {
    return this.inner.comparePositions(a, b);
  }

  eventsBetween(from: Position | null, to: Position, limit?: number): Promise<number> {
    return this.inner.eventsBetween(from, to, limit);
  }

  parsePosition(text: string): Position {
    return this.inner.parsePosition(text);
  }

  findIdempotentResult(key: string): Promise<(AppendResult & { fingerprint: string }) | null> {
    return this.inner.findIdempotentResult(key);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * The store as it stores personal fields (envelopes), for a reader that hands events on outside the
 * service (the Kafka relay): underneath the PersonalDataEventStore when `store` is one.
 */
export const storedFormOf = (store: EventStore): EventStore =>
  store instanceof PersonalDataEventStore ? store.stored : store;

const envelopePerson = (envelope: PersonalEnvelope): string => envelope.$personal.person;
