import type { EventStore, Position, StoredEvent } from '#event-store';
import type { ComplianceSubjects, SubjectKind } from './compliance-subjects.js';

export interface LogComplianceSubjectsOptions {
  /** Events per read of the log. Default 1000. */
  pageSize?: number;
}

/** An AlertRaised not followed (yet) by an AlertResolved in its stream. */
interface OpenOccurrence {
  alertId: string;
  rule: string;
  subject: Partial<Record<SubjectKind, string>>;
}

const SUBJECT_FIELD: Record<SubjectKind, 'boardId' | 'agreementId'> = { board: 'boardId', agreement: 'agreementId' };
const SUBJECT_KINDS = Object.keys(SUBJECT_FIELD) as SubjectKind[];

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const subjectKey = (kind: SubjectKind, id: string): string => `${kind}:${id}`;

/**
 * The compliance subjects of any event store, read through the EventStore port: an index in memory
 * built from `readAll` and brought up to the end of the log before each answer, reading only the
 * events appended since the last one. So an alert raised a moment ago is never missed, whatever
 * the store's positions look like. It gives the same answers as SqlComplianceSubjects, which reads
 * the SQL events table directly and needs no index (the module uses that one on the SQL store).
 */
export class LogComplianceSubjects implements ComplianceSubjects {
  private readonly pageSize: number;
  /** Position of the last event indexed; null before the first. */
  private position: Position | null = null;
  /** Catch-up reads run one at a time; callers arriving while one runs share the next one. */
  private next: Promise<void> | null = null;
  private last: Promise<void> = Promise.resolve();

  // Insertion order is log order, as the SQL implementation's ORDER BY position.
  private readonly boards = new Set<string>();
  private readonly agreements = new Set<string>();
  private readonly overseers = new Map<string, Set<string>>();
  /** Per alert stream, the occurrences raised since its last resolution. */
  private readonly open = new Map<string, OpenOccurrence[]>();
  /** Per `kind:id`, the alert streams with an open occurrence about that subject. */
  private readonly openBySubject = new Map<string, Set<string>>();

  constructor(
    private readonly store: EventStore,
    options: LogComplianceSubjectsOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 1000;
  }

  async boardIds(): Promise<string[]> {
    await this.catchUp();
    return [...this.boards];
  }

  async agreementIds(): Promise<string[]> {
    await this.catchUp();
    return [...this.agreements];
  }

  async boardsOverseeing(agreementId: string): Promise<string[]> {
    await this.catchUp();
    return [...(this.overseers.get(agreementId) ?? [])];
  }

  async unresolvedAlertIds(kind: SubjectKind, id: string, rules: readonly string[]): Promise<string[]> {
    await this.catchUp();
    const ids = new Set<string>();
    for (const streamId of this.openBySubject.get(subjectKey(kind, id)) ?? []) {
      for (const occurrence of this.open.get(streamId) ?? []) {
        if (occurrence.subject[kind] === id && rules.includes(occurrence.rule)) ids.add(occurrence.alertId);
      }
    }
    return [...ids].sort();
  }

  /**
   * Indexes the events appended since the last read. A call always waits for a read that starts
   * after it was made: one already under way may have passed the end of the log before the caller's
   * alert was appended.
   */
  private catchUp(): Promise<void> {
    if (!this.next) {
      const next = this.last.then(() => {
        this.next = null;
        return this.readToEnd();
      });
      this.next = next;
      this.last = next.catch(() => undefined);
    }
    return this.next;
  }

  private async readToEnd(): Promise<void> {
    for (;;) {
      // `fromPosition` is inclusive: the page starts with the last event indexed, which is skipped.
      const from = this.position;
      const page = await this.store.readAll({
        ...(from === null ? {} : { fromPosition: from }),
        maxCount: from === null ? this.pageSize : this.pageSize + 1,
      });
      const fresh =
        from === null ? page : page.filter((event) => this.store.comparePositions(event.position, from) > 0);
      for (const event of fresh) this.index(event);
      const newest = fresh.at(-1);
      if (newest) this.position = newest.position;
      if (fresh.length < this.pageSize) return;
    }
  }

  private index(event: StoredEvent): void {
    const data = (event.data ?? {}) as Record<string, unknown>;
    switch (event.type) {
      case 'GovernanceBoardEstablished': {
        const boardId = text(data.boardId);
        if (boardId === null) return;
        this.boards.add(boardId);
        const agreementIds = Array.isArray(data.agreementIds) ? data.agreementIds : [];
        for (const agreementId of agreementIds) {
          if (typeof agreementId !== 'string') continue;
          const boards = this.overseers.get(agreementId) ?? new Set<string>();
          boards.add(boardId);
          this.overseers.set(agreementId, boards);
        }
        return;
      }
      case 'AgreementDrafted': {
        const agreementId = text(data.agreementId);
        if (agreementId !== null) this.agreements.add(agreementId);
        return;
      }
      case 'AlertRaised':
        this.raised(event.streamId, data);
        return;
      case 'AlertResolved':
        this.resolved(event.streamId);
        return;
    }
  }

  private raised(streamId: string, data: Record<string, unknown>): void {
    const alertId = text(data.alertId);
    const rule = text(data.rule);
    if (alertId === null || rule === null) return;
    const subjectData = (typeof data.subject === 'object' && data.subject !== null ? data.subject : {}) as Record<
      string,
      unknown
    >;
    const subject: OpenOccurrence['subject'] = {};
    for (const kind of SUBJECT_KINDS) {
      const id = text(subjectData[SUBJECT_FIELD[kind]]);
      if (id === null) continue;
      subject[kind] = id;
      const streams = this.openBySubject.get(subjectKey(kind, id)) ?? new Set<string>();
      streams.add(streamId);
      this.openBySubject.set(subjectKey(kind, id), streams);
    }
    const occurrences = this.open.get(streamId) ?? [];
    occurrences.push({ alertId, rule, subject });
    this.open.set(streamId, occurrences);
  }

  private resolved(streamId: string): void {
    for (const { subject } of this.open.get(streamId) ?? []) {
      for (const kind of SUBJECT_KINDS) {
        const id = subject[kind];
        if (id === undefined) continue;
        const streams = this.openBySubject.get(subjectKey(kind, id));
        streams?.delete(streamId);
        if (streams?.size === 0) this.openBySubject.delete(subjectKey(kind, id));
      }
    }
    this.open.delete(streamId);
  }
}
