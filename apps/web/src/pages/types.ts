/** The API's read models, as the page uses them (see libs/projections and libs/alerting). */

export interface RegisterRow {
  agreementId: string;
  title: string;
  legalBasis: string;
  businessArea: string;
  deliveryModel: string;
  status: 'drafted' | 'in-force' | 'terminated';
  hostForce: string | null;
  parentId: string | null;
  reviewDue: string | null;
  parties: { id: string; name: string }[];
  draftedAt: string;
  inForceAt: string | null;
  terminatedAt: string | null;
}

export interface Register {
  agreements: RegisterRow[];
  counts: { drafted: number; 'in-force': number; terminated: number; total: number };
}

export interface PolicingBody {
  name: string;
  kind: string;
}

export interface PartyDetail {
  id: string;
  name: string;
  kind: string;
  policingBody: PolicingBody | null;
  how: 'original' | 'joined';
  addedOn: string;
  signedOn: string | null;
  signedBy: string | null;
  approvedOn: string | null;
  noticeGivenOn: string | null;
  noticeEffectiveOn: string | null;
  withdrewOn: string | null;
  withdrawalReason: string | null;
  current: boolean;
}

export interface AgreementDetail {
  agreementId: string;
  title: string;
  legalBasis: string;
  businessArea: string;
  deliveryModel: string;
  status: 'drafted' | 'in-force' | 'terminated';
  parentId: string | null;
  reviewDue: string | null;
  draftedOn: string;
  inForceFrom: string | null;
  terminatedOn: string | null;
  terminationReason: string | null;
  parties: PartyDetail[];
  hostForce: string | null;
  hostForceHistory: { hostForce: string; from: string; until: string | null }[];
  signatures: { party: string; signedBy: string; signedOn: string }[];
  approvals: { party: string; policingBody: PolicingBody; approvedOn: string }[];
  variations: { summary: string; variedOn: string; recordedBy: string }[];
  reviews: { outcome: string; reviewedOn: string; nextReviewDue: string | null }[];
  savings: { financialYear: string; forecastPence: number | null; realisedPence: number | null }[];
  membership: { bodyId: string; agreementId: string; validFrom: string; validTo: string | null }[];
}

/** GET /agreements/:id?asOf=&knownAt= : the agreement replayed from its events. */
export interface AgreementAsOf {
  asOf: string | null;
  knownAt: string | null;
  eventsConsidered: number;
  lastPosition: string | null;
  lastRecordedAt: string | null;
  agreement: {
    agreementId: string;
    title: string;
    legalBasis: string | null;
    businessArea: string;
    deliveryModel: string | null;
    status: 'drafted' | 'in-force' | 'terminated';
    parentId: string | null;
    hostForce: string | null;
    reviewDue: string | null;
    lastReviewedOn: string | null;
    draftedOn: string | null;
    inForceFrom: string | null;
    terminatedOn: string | null;
    parties: {
      id: string;
      name: string;
      kind: string;
      joinedOn: string;
      signedOn: string | null;
      signedBy: string | null;
      approvedOn: string | null;
      approvedBy: PolicingBody | null;
      notice: { givenOn: string; effectiveOn: string } | null;
    }[];
    formerParties: { id: string; name: string; joinedOn: string; leftOn: string; reason: string | null }[];
    savings: { financialYear: string; forecastPence: number | null; realisedPence: number | null }[];
  };
}

export interface Decision {
  decisionId: string;
  summary: string;
  boardId: string | null;
  meetingId: string | null;
  agreementId: string | null;
  decidedOn: string;
  recordedAt: string;
  recordedBy: string;
}

export interface Board {
  boardId: string;
  name: string;
  agreementIds: string[];
  establishedOn: string;
  terms: { chair: string; maxDaysBetweenMeetings: number; quorum: number; rearrangeWithinDays: number };
}

export interface BoardMeeting {
  boardId: string;
  meetingId: string;
  scheduledFor: string;
  status: 'scheduled' | 'held' | 'cancelled';
  heldOn: string | null;
  quorate: boolean | null;
  attendees: { name: string; body: string }[] | null;
  cancelledOn: string | null;
  cancellationReason: string | null;
  rearrangedTo: string | null;
}

export interface BoardCompliance {
  boardId: string;
  name: string;
  financialYear: string;
  asOf: string;
  periodStart: string;
  periodEnd: string;
  terms: Board['terms'];
  counts: { scheduled: number; held: number; quorate: number; cancelled: number; cancelledNotRearranged: number };
  longestGap: { days: number; from: string; to: string } | null;
  cancellations: {
    meetingId: string;
    meetingDate: string;
    cancelledOn: string;
    reason: string | null;
    rearrangedOn: string | null;
    rearrangedTo: string | null;
    notRearranged: boolean;
  }[];
  status: 'green' | 'amber' | 'red';
  reasons: string[];
}

export interface Alert {
  alertId: string;
  rule: string;
  severity: 'red' | 'amber' | 'info';
  status: 'open' | 'acknowledged' | 'resolved';
  subject: { boardId: string | null; meetingId: string | null; agreementId: string | null; party: string | null };
  reason: string;
  breachedOn: string | null;
  occurrence: number;
  raisedAt: string;
  raisedRecordedAt: string;
  acknowledgement: { at: string; by: string; note: string | null } | null;
  resolution: { at: string; reason: string } | null;
  lastPosition: string;
}

export interface Collaboration {
  agreementId: string;
  title: string;
  legalBasis: string;
  businessArea: string;
  memberFrom: string;
  memberUntil: string | null;
}
