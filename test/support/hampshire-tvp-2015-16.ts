/*
 * The case the service was built around (seeds/collaborations.json, source 003): the Hampshire/Thames Valley
 * bi-lateral agreement and its governance board's 2015-16 year, four quarterly meetings of which the September
 * and December ones were cancelled and not rearranged. Several specs record it through the API; this is the
 * one place that says what they record.
 */

/** Sends one write and fails the test unless it answered 201. */
export type Write = (path: string, body: object) => Promise<unknown>;

export const BILATERAL_PARTIES = ['hampshire', 'thames-valley'] as const;

/** Both PCCs attend, so each held meeting is quorate. */
export const BOTH_PCCS = [
  { name: 'PCC', body: 'thames-valley' },
  { name: 'PCC', body: 'hampshire' },
];

/** The bi-lateral agreement drafted in January 2012, signed, approved by both PCCs and in force from 1 April 2012. */
export async function recordBilateralInForce(write: Write, agreementId: string): Promise<void> {
  await write('/agreements', {
    id: agreementId,
    title: 'Hampshire/Thames Valley Bi-lateral Collaboration',
    legalBasis: 's22A',
    businessArea: 'ICT, information management, firearms, dogs and roads policing',
    deliveryModel: 'joint-unit',
    parties: BILATERAL_PARTIES,
    occurredAt: '2012-01-10',
  });
  for (const party of BILATERAL_PARTIES) {
    await write(`/agreements/${agreementId}/signatures`, {
      party,
      signedBy: 'Chief Constable',
      occurredAt: '2012-02-01',
    });
    await write(`/agreements/${agreementId}/pcc-approvals`, { party, occurredAt: '2012-02-15' });
  }
  await write(`/agreements/${agreementId}/commencement`, { occurredAt: '2012-04-01' });
}

/**
 * The board established on 1 April 2015 over the agreement (at most 92 days between meetings, quorum 2) and its
 * 2015-16 meetings `2015-q1`…`2015-q4`: the first and last held, the second and third cancelled, none rearranged.
 */
export async function recordBoardYear(write: Write, boardId: string, agreementId: string): Promise<void> {
  await write('/boards', {
    id: boardId,
    name: 'Hampshire/TVP Bi-lateral Collaboration Governance Board',
    agreements: [agreementId],
    chair: 'Police and Crime Commissioner for Thames Valley',
    maxDaysBetweenMeetings: 92,
    quorum: 2,
    occurredAt: '2015-04-01',
  });
  for (const [q, date] of [
    ['q1', '2015-06-15'],
    ['q2', '2015-09-15'],
    ['q3', '2015-12-15'],
    ['q4', '2016-03-15'],
  ] as const) {
    await write(`/boards/${boardId}/meetings`, { meetingId: `2015-${q}`, scheduledFor: date });
  }
  const meeting = (q: string) => `/boards/${boardId}/meetings/2015-${q}`;
  await write(`${meeting('q1')}/held`, { occurredAt: '2015-06-15', attendees: BOTH_PCCS });
  await write(`${meeting('q2')}/cancellation`, { reason: 'Chair unavailable', occurredAt: '2015-09-10' });
  await write(`${meeting('q3')}/cancellation`, { reason: 'Operational demands', occurredAt: '2015-12-10' });
  await write(`${meeting('q4')}/held`, { occurredAt: '2016-03-15', attendees: BOTH_PCCS });
}
