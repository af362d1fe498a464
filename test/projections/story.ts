import {
  AGREEMENT_SCHEMA_VERSIONS,
  findReferenceBody,
  type AgreementEvent,
  type BenefitEntry,
  type BenefitEvent,
  type BoardEvent,
  type BodyRef,
  type DecisionRecordedV1,
  type DomainEvent,
  type PublicationEvent,
} from '#domain';
import type { EventStore, Position } from '#event-store';

/** Decisions as release 0.1.0 wrote them (version 1, no provenance): the read models upcast them. */
type StoryEvent =
  AgreementEvent | BoardEvent | BenefitEvent | PublicationEvent | DomainEvent<'DecisionRecorded', DecisionRecordedV1>;

export const body = (id: string): BodyRef => {
  const reference = findReferenceBody(id);
  if (!reference) throw new Error(`no reference body ${id}`);
  return { id, name: reference.name, kind: reference.kind, policingBody: reference.policingBody };
};

export const hampshireFire: BodyRef = {
  id: 'hampshire-fire',
  name: 'Hampshire and Isle of Wight Fire and Rescue Authority',
  kind: 'fire-and-rescue',
  policingBody: null,
};

/** Appends domain events as the command handlers would, each typed by the domain's own event types. */
export class Story {
  /** The server clock the store stamps `recordedAt` with. */
  now = new Date('2016-04-20T09:00:00Z');
  last: Position | null = null;

  private store: EventStore | null = null;

  /** The store to append to (created with `clock`, so the story sets its recording times). */
  attach(store: EventStore): this {
    this.store = store;
    return this;
  }

  readonly clock = (): Date => this.now;

  async record<T extends StoryEvent['type']>(
    streamId: string,
    type: T,
    occurredAt: string,
    data: Extract<StoryEvent, { type: T }>['data'],
  ): Promise<Position> {
    if (!this.store) throw new Error('attach a store first');
    const result = await this.store.append(
      streamId,
      [{ type, schemaVersion: AGREEMENT_SCHEMA_VERSIONS[type], occurredAt: `${occurredAt}T10:00:00.000Z`, data }],
      {
        expectedRevision: 'any',
        actor: 'officer@hampshire',
      },
    );
    if (result.lastPosition === null) throw new Error('the append wrote no event');
    this.last = result.lastPosition;
    return this.last;
  }

  agreement(agreementId: string) {
    const stream = `agreement-${agreementId}`;
    const record = <T extends AgreementEvent['type']>(
      type: T,
      on: string,
      data: Omit<Extract<AgreementEvent, { type: T }>['data'], 'agreementId'>,
    ) => this.record(stream, type, on, { agreementId, ...data } as never);
    return { record };
  }

  board(boardId: string) {
    const stream = `board-${boardId}`;
    const record = <T extends BoardEvent['type']>(
      type: T,
      on: string,
      data: Omit<Extract<BoardEvent, { type: T }>['data'], 'boardId'>,
    ) => this.record(stream, type, on, { boardId, ...data } as never);
    return { record };
  }

  /** The South East serious and organised crime collaboration and two smaller ones, 2014–2016. */
  async agreements(): Promise<void> {
    const sem = this.agreement('se-rocu');
    await sem.record('AgreementDrafted', '2014-01-10', {
      title: 'South East Regional Organised Crime Unit',
      legalBasis: 's22A',
      scope: 'regional',
      businessArea: 'Serious and Organised Crime',
      deliveryModel: 'host-force',
      parties: [body('hampshire'), body('thames-valley'), body('surrey')],
      hostForce: 'thames-valley',
      parentAgreementId: null,
      reviewDue: '2016-04-01',
    });
    await sem.record('PartyAdded', '2014-02-01', { party: body('sussex') });
    for (const party of ['hampshire', 'thames-valley', 'surrey', 'sussex']) {
      await sem.record('AgreementSigned', '2014-03-03', { party, signedBy: `Chief Constable of ${party}` });
      await sem.record('PccApprovalGiven', '2014-03-10', { party, policingBody: body(party).policingBody! });
    }
    await sem.record('AgreementCameIntoForce', '2014-04-01', {
      parties: ['hampshire', 'thames-valley', 'surrey', 'sussex'],
    });
    await sem.record('AgreementVaried', '2014-09-01', { summary: 'Cyber crime unit added' });
    await sem.record('HostForceChanged', '2015-01-05', { from: 'thames-valley', to: 'hampshire' });
    await sem.record('PartyJoined', '2015-06-01', { party: body('kent') });
    await sem.record('WithdrawalNoticeGiven', '2015-07-01', {
      party: 'surrey',
      effectiveOn: '2015-12-31',
      override: null,
    });
    await sem.record('ForceWithdrew', '2015-12-31', {
      party: 'surrey',
      reason: 'Joined the Surrey and Sussex partnership',
    });
    await sem.record('AgreementReviewed', '2016-03-15', { outcome: 'Continue', nextReviewDue: '2017-03-31' });
    await sem.record('SavingsForecast', '2016-04-20', { financialYear: '2015-16', amountPence: 1_000_000_00 });
    await sem.record('SavingsRealised', '2016-04-20', { financialYear: '2015-16', amountPence: 800_000_00 });
    await sem.record('SavingsForecast', '2016-04-20', { financialYear: '2016-17', amountPence: 1_200_000_00 });
    await sem.record('SavingsForecast', '2016-04-20', { financialYear: '2015-16', amountPence: 900_000_00 });

    const ict = this.agreement('hants-tvp-ict');
    await ict.record('AgreementDrafted', '2015-05-01', {
      title: 'Hampshire and Thames Valley ICT',
      legalBasis: 'mou',
      scope: 'local',
      businessArea: 'ICT',
      deliveryModel: 'joint-unit',
      parties: [body('hampshire'), body('thames-valley')],
      hostForce: null,
      parentAgreementId: null,
      reviewDue: null,
    });

    const fire = this.agreement('hants-fire-estates');
    await fire.record('AgreementDrafted', '2014-11-01', {
      title: 'Shared Estates with Fire',
      legalBasis: 'other',
      scope: null,
      businessArea: 'Estates',
      deliveryModel: 'virtual',
      // Written as AgreementDrafted version 3 is (issue 15 item 7): Hampshire a party by its chief officer and its
      // policing body; se-rocu's older shape records no capacity.
      parties: [
        { ...body('hampshire'), capacity: 'chief-officer-and-policing-body' },
        { ...hampshireFire, capacity: null },
      ],
      hostForce: null,
      parentAgreementId: null,
      reviewDue: null,
    });
    await fire.record('AgreementCameIntoForce', '2015-01-01', { parties: ['hampshire', 'hampshire-fire'] });
    await fire.record('SavingsRealised', '2016-04-20', { financialYear: '2015-16', amountPence: 50_000_00 });
    await fire.record('AgreementTerminated', '2016-01-31', { reason: 'Estates merged' });
  }

  /**
   * The benefits ledger of se-rocu (after `agreements`): the programme's saving, Kent's share, a non-cash
   * benefit, a cost, and a correction of the saving, so a batch may hold the corrected entry or not.
   */
  async benefits(): Promise<void> {
    const stream = 'benefits-se-rocu';
    const entry = (fields: Partial<BenefitEntry>): BenefitEntry => ({
      kind: 'saving',
      status: 'realised',
      amountPence: 500_000_00,
      description: null,
      measure: null,
      period: { from: '2014-15', to: '2015-16' },
      attributedTo: null,
      source: 'Regional board report',
      note: null,
      ...fields,
    });
    const agreementId = 'se-rocu';
    await this.record(stream, 'BenefitRecorded', '2016-04-20', { agreementId, entryId: 'programme', ...entry({}) });
    await this.record(stream, 'BenefitRecorded', '2016-04-20', {
      agreementId,
      entryId: 'kent-share',
      ...entry({ amountPence: 40_000_00, attributedTo: 'kent' }),
    });
    await this.record(stream, 'BenefitRecorded', '2016-04-20', {
      agreementId,
      entryId: 'time',
      ...entry({ kind: 'non-cash', amountPence: null, description: 'Fewer handovers', measure: 'hours' }),
    });
    await this.record(stream, 'BenefitRecorded', '2016-04-20', {
      agreementId,
      entryId: 'cost',
      ...entry({
        kind: 'cost',
        status: 'forecast',
        amountPence: 100_000_00,
        period: { from: '2016-17', to: '2016-17' },
      }),
    });
    await this.record(stream, 'BenefitCorrected', '2016-04-20', {
      agreementId,
      entryId: 'programme-2',
      supersedes: 'programme',
      reason: 'Audited figure',
      ...entry({ amountPence: 450_000_00 }),
    });
  }

  /** The Hampshire/TVP bilateral board of seeds/003: two meetings cancelled and not rearranged in 2015/16. */
  async board2015(): Promise<void> {
    const b = this.board('hants-tvp');
    await b.record('GovernanceBoardEstablished', '2015-03-01', {
      name: 'Hampshire/TVP Bi-lateral Collaboration Governance Board',
      agreementIds: ['hants-tvp-ict'],
      chair: 'Deputy Chief Constable, Hampshire',
      maxDaysBetweenMeetings: 92,
      quorum: 2,
      rearrangeWithinDays: 28,
    });
    const attendees = [
      { name: 'A. Chief', body: 'hampshire' },
      { name: 'B. Chief', body: 'thames-valley' },
    ];
    const meeting = async (meetingId: string, scheduledFor: string) =>
      b.record('BoardMeetingScheduled', '2016-04-20', { meetingId, scheduledFor });
    await meeting('2015-q1', '2015-04-15');
    await b.record('BoardMeetingHeld', '2015-04-15', {
      meetingId: '2015-q1',
      heldOn: '2015-04-15',
      scheduledFor: '2015-04-15',
      attendees,
      quorate: true,
      quorum: 2,
    });
    await meeting('2015-q2', '2015-07-15');
    await b.record('BoardMeetingCancelled', '2015-07-10', {
      meetingId: '2015-q2',
      reason: 'Operational demands',
      scheduledFor: '2015-07-15',
    });
    await meeting('2015-q3', '2015-10-14');
    await b.record('BoardMeetingCancelled', '2015-10-01', {
      meetingId: '2015-q3',
      reason: 'Chair unavailable',
      scheduledFor: '2015-10-14',
    });
    await meeting('2015-extra', '2015-11-20');
    await b.record('BoardMeetingCancelled', '2015-11-10', {
      meetingId: '2015-extra',
      reason: 'Room unavailable',
      scheduledFor: '2015-11-20',
    });
    await b.record('BoardMeetingRearranged', '2015-11-25', {
      meetingId: '2015-extra',
      previousDate: '2015-11-20',
      newDate: '2015-12-01',
      wasCancelled: true,
    });
    await b.record('BoardMeetingHeld', '2015-12-01', {
      meetingId: '2015-extra',
      heldOn: '2015-12-01',
      scheduledFor: '2015-12-01',
      attendees,
      quorate: true,
      quorum: 2,
    });
    await meeting('2016-q4', '2016-01-13');
    await b.record('BoardMeetingHeld', '2016-01-13', {
      meetingId: '2016-q4',
      heldOn: '2016-01-13',
      scheduledFor: '2016-01-13',
      attendees: [attendees[0]!],
      quorate: false,
      quorum: 2,
    });
    await this.record('decision-d1', 'DecisionRecorded', '2016-01-13', {
      decisionId: 'd1',
      summary: 'Extend the ICT memorandum for a year',
      boardId: 'hants-tvp',
      meetingId: '2016-q4',
      agreementId: 'hants-tvp-ict',
    });
    await this.record('decision-d2', 'DecisionRecorded', '2015-12-01', {
      decisionId: 'd2',
      summary: 'Approve the estates strategy',
      boardId: 'hants-tvp',
      meetingId: '2015-extra',
      agreementId: null,
    });
  }

  /** s23E: se-rocu published in full, the ICT memorandum exempt and published, the fire estates one withdrawn. */
  async publications(): Promise<void> {
    await this.record('publication-se-rocu', 'AgreementPublished', '2014-04-10', {
      schemaVersion: 1,
      agreementId: 'se-rocu',
      publishedOn: '2014-04-10',
      documentUrl: 'https://www.hampshire-pcc.gov.uk/se-rocu.pdf',
      reference: null,
      publishedBy: 'hampshire',
    });
    await this.record('publication-hants-tvp-ict', 'PublicationExemptionMarked', '2015-05-02', {
      schemaVersion: 1,
      agreementId: 'hants-tvp-ict',
      ground: 'security',
      reason: 'Names the network architecture',
    });
    await this.record('publication-hants-tvp-ict', 'AgreementPublished', '2015-05-03', {
      schemaVersion: 1,
      agreementId: 'hants-tvp-ict',
      publishedOn: '2015-05-03',
      documentUrl: null,
      reference: null,
      publishedBy: 'thames-valley',
    });
    await this.record('publication-hants-fire-estates', 'AgreementPublished', '2015-01-02', {
      schemaVersion: 1,
      agreementId: 'hants-fire-estates',
      publishedOn: '2015-01-02',
      documentUrl: null,
      reference: 'HFRA/2015/1',
      publishedBy: 'hampshire',
    });
    await this.record('publication-hants-fire-estates', 'PublicationWithdrawn', '2016-02-01', {
      schemaVersion: 1,
      agreementId: 'hants-fire-estates',
      reason: 'Ended',
    });
  }
}
