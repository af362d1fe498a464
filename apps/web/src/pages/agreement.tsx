import { useId } from 'react';
import { ApiError, get, getEveryPage, post, revisionOf, streamEvents, type StoredEvent } from '../api';
import { AuditorControls, IntegrityCheck } from '../components/auditor-controls';
import { MembershipTimeline, SavingsChart, type Period } from '../components/charts';
import { EventHistory } from '../components/event-history';
import { Loading, ProblemMessage } from '../components/problem';
import { useLoad } from '../components/use-load';
import { DecisionForm } from '../components/decision-form';
import { Decisions } from '../components/decisions';
import { choiceField, dateField, RecordForms, WriteForm } from '../components/write-form';
import {
  dayOf,
  formatDate,
  formatPounds,
  labelOf,
  LEGAL_BASIS_LABEL,
  SCOPE_LABEL,
  STATUS_LABEL,
  today,
} from '../format';
import { href, navigate } from '../router';
import { canWrite, type Session } from '../session';
import type { AgreementDetail, Board, BoardList, Decision, DecisionList } from './types';
import { Table } from '../components/table';

interface PartyView {
  id: string;
  name: string;
  from: string;
  until: string | null;
  /** "left in July 2016" where the withdrawal is known less exactly than the day (issue 15); else null. */
  untilSentence: string | null;
  signedOn: string | null;
  signedBy: string | null;
  approvedOn: string | null;
  approvedBy: string | null;
  noticeGivenOn: string | null;
  noticeEffectiveOn: string | null;
  current: boolean;
  /** The capacity a police party acts in, in words ("chief officer and policing body", "not recorded"). */
  capacityText: string;
  /** Whether its policing body's approval is asked (not of a party that is only its policing body, nor of others). */
  approvalAsked: boolean;
}

interface View {
  title: string;
  status: 'drafted' | 'in-force' | 'terminated';
  legalBasis: string | null;
  scope: string | null;
  businessArea: string;
  deliveryModel: string | null;
  parentId: string | null;
  reviewDue: string | null;
  draftedOn: string | null;
  inForceFrom: string | null;
  /** "in force by 24 August 2017" where the date is not a day (issue 15), and as of a date whether it is known. */
  inForcePrecision: AgreementDetail['inForcePrecision'];
  inForceSentence: string | null;
  inForceKnown: boolean;
  inForceNote: string | null;
  terminatedOn: string | null;
  hostForce: string | null;
  parties: PartyView[];
  /** "1 of 32 members named" when the source declares members it does not name; null otherwise. */
  membersNamed: string | null;
  membership: { bodyId: string; from: string; until: string | null }[];
  hosts: { hostForce: string; from: string; until: string | null }[];
  /** `on`: varied on (effective), proposed on (pending) or withdrawn on; `awaiting` names who a pending one waits for. */
  variations: {
    summary: string;
    status: 'pending' | 'effective' | 'withdrawn';
    on: string;
    by: string;
    awaiting: string;
  }[];
  reviews: { outcome: string; on: string; nextReviewDue: string | null; by: string }[];
  savings: { financialYear: string; forecastPence: number | null; realisedPence: number | null }[];
  /** The latest version set, or (replayed as of a date) the version in force that day. */
  terms: AgreementDetail['terms'];
  termsHistory: AgreementDetail['termsHistory'];
  /** Every service line (now), or those running on the date (replayed as of it). */
  serviceLines: AgreementDetail['serviceLines'];
  replay: { eventsConsidered: number; lastRecordedAt: string | null } | null;
}

const endOfDay = (date: string): number => Date.parse(`${date}T23:59:59.999Z`);

/** The events a replay for (asOf, knownAt) folds: happened by asOf, recorded by knownAt (the API's rule). */
const inWindow = (asOf: string | null, knownAt: string | null) => (e: StoredEvent) =>
  (asOf === null || Date.parse(e.occurredAt) <= endOfDay(asOf)) &&
  (knownAt === null || Date.parse(e.recordedAt) <= endOfDay(knownAt));

const reviewsFrom = (events: StoredEvent[]): View['reviews'] =>
  events
    .filter((e) => e.type === 'AgreementReviewed')
    .map((e) => ({
      outcome: String(e.data.outcome),
      on: dayOf(e.occurredAt),
      nextReviewDue: (e.data.nextReviewDue as string | null) ?? null,
      by: e.actorDisplay,
    }));

/** Both answers of GET /agreements/:id (now, or replayed as of a date) have one shape. */
function fromAnswer(d: AgreementDetail, events: StoredEvent[]): View {
  return {
    ...d,
    parties: d.parties.map((p) => ({
      id: p.id,
      name: p.name,
      from: p.addedOn,
      until: p.withdrewOn,
      untilSentence: p.withdrewPrecision && p.withdrewPrecision !== 'day' ? p.withdrawalSentence : null,
      signedOn: p.signedOn,
      signedBy: p.signedBy,
      approvedOn: p.approvedOn,
      approvedBy: d.approvals.find((a) => a.party === p.id)?.policingBody.name ?? null,
      noticeGivenOn: p.noticeGivenOn,
      noticeEffectiveOn: p.noticeEffectiveOn,
      current: p.current,
      capacityText: p.capacityText,
      approvalAsked: p.approvalAsked,
    })),
    membership: d.membership.map((m) => ({ bodyId: m.bodyId, from: m.validFrom, until: m.validTo })),
    hosts: d.hostForceHistory.map((h) => ({ hostForce: h.hostForce, from: h.from, until: h.until })),
    variations: d.variations.map((v) => {
      const name = (id: string) => d.parties.find((p) => p.id === id)?.name ?? id;
      const awaiting = [
        v.awaitingSignature.length ? `signature by ${v.awaitingSignature.map(name).join(', ')}` : '',
        v.awaitingApproval.length ? `approval for ${v.awaitingApproval.map(name).join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      const on = v.status === 'withdrawn' ? v.withdrawnOn : v.status === 'effective' ? v.variedOn : v.proposedOn;
      return { summary: v.summary, status: v.status, on: on ?? v.proposedOn, by: v.recordedBy, awaiting };
    }),
    reviews: reviewsFrom(events),
    replay: d.replay ? { eventsConsidered: d.replay.eventsConsidered, lastRecordedAt: d.replay.lastRecordedAt } : null,
  };
}

interface Loaded {
  view: View | null;
  notFound: string | null;
  events: StoredEvent[];
  decisions: Decision[];
  boards: Board[];
}

export function AgreementPage({ id, query, session }: { id: string; query: URLSearchParams; session: Session }) {
  const hid = useId();
  const asOf = query.get('asOf');
  const knownAt = query.get('knownAt');
  const replaying = asOf !== null || knownAt !== null;
  const loaded = useLoad<Loaded>(async (minPosition) => {
    const [events, decisions, boards] = await Promise.all([
      streamEvents(`agreement-${id}`),
      getEveryPage<DecisionList>('/decisions', { agreementId: id, minPosition }, 'decisions'),
      getEveryPage<BoardList>('/boards', { agreementId: id, minPosition }, 'boards'),
    ]);
    let view: View | null = null;
    let notFound: string | null = null;
    try {
      const answer = await get<AgreementDetail>(
        `/agreements/${encodeURIComponent(id)}`,
        replaying ? { asOf, knownAt } : { minPosition },
      );
      view = fromAnswer(answer, replaying ? events.filter(inWindow(asOf, knownAt)) : events);
    } catch (error) {
      if (!(error instanceof ApiError) || error.problem.status !== 404) throw error;
      notFound = error.problem.detail;
    }
    return { view, notFound, events, decisions: decisions.decisions, boards: boards.boards };
  }, `${id}|${asOf}|${knownAt}`);

  const data = loaded.data;
  const view = data?.view ?? null;
  const expectedRevision = data ? revisionOf(data.events) : -1;
  const names = new Map(view?.parties.map((p) => [p.id, p.name]) ?? []);
  const nameOf = (slug: string) => names.get(slug) ?? slug;
  const end = asOf ?? today();
  const starts = [view?.draftedOn, ...(view?.membership.map((m) => m.from) ?? [])]
    .filter((d): d is string => !!d)
    .map(dayOf)
    .sort();
  const start = starts[0] ?? end;
  const currentParties = view?.parties.filter((p) => p.current) ?? [];
  const partyOptions = currentParties.map((p) => ({ value: p.id, label: p.name }));
  const reload = (position: string | null) => loaded.reload(position);

  return (
    <>
      <p className="breadcrumb">
        <a href={href(['agreements'])}>Register</a> › Agreement
      </p>
      <h1 tabIndex={-1}>{view?.title ?? id}</h1>
      <AuditorControls
        asOf={asOf}
        knownAt={knownAt}
        onChange={(dates) => navigate(['agreements', id], { asOf: dates.asOf, knownAt: dates.knownAt })}
      />
      {replaying ? (
        <p className="replay-banner" role="status">
          Replayed from the event log{asOf ? ` as of ${formatDate(asOf)}` : ''}
          {knownAt ? `${asOf ? ',' : ''} as the record stood on ${formatDate(knownAt)}` : ''}
          {view?.replay ? ` (${view.replay.eventsConsidered} events considered)` : ''}.
        </p>
      ) : null}
      {loaded.problem ? <ProblemMessage problem={loaded.problem} /> : null}
      {loaded.loading && !data ? <Loading what="the agreement" /> : null}
      {data?.notFound ? (
        <ProblemMessage problem={{ type: 'about:blank', title: 'Not on record', status: 404, detail: data.notFound }} />
      ) : null}
      {view ? (
        <>
          <section aria-labelledby={`${hid}-summary`}>
            <h2 id={`${hid}-summary`}>Summary</h2>
            <dl className="summary">
              <dt>Status</dt>
              <dd>
                <span className={`status status-${view.status}`}>{STATUS_LABEL[view.status]}</span>
              </dd>
              <dt>Legal basis</dt>
              <dd>{labelOf(LEGAL_BASIS_LABEL, view.legalBasis)}</dd>
              <dt>Scope</dt>
              <dd>{labelOf(SCOPE_LABEL, view.scope)}</dd>
              <dt>Business area</dt>
              <dd>{view.businessArea}</dd>
              <dt>Delivery model</dt>
              <dd>{view.deliveryModel ?? '—'}</dd>
              <dt>Host force</dt>
              <dd>{view.hostForce ? nameOf(view.hostForce) : '—'}</dd>
              <dt>Drafted</dt>
              <dd>{formatDate(view.draftedOn)}</dd>
              <dt>In force from</dt>
              <dd>
                {view.inForcePrecision && view.inForcePrecision !== 'day'
                  ? view.inForceSentence
                  : formatDate(view.inForceFrom)}
                {view.inForceKnown ? null : <p className="muted">{view.inForceNote}</p>}
              </dd>
              {view.terminatedOn ? (
                <>
                  <dt>Terminated</dt>
                  <dd>{formatDate(view.terminatedOn)}</dd>
                </>
              ) : null}
              <dt>Review due</dt>
              <dd>{formatDate(view.reviewDue)}</dd>
              {view.parentId ? (
                <>
                  <dt>Part of</dt>
                  <dd>
                    <a href={href(['agreements', view.parentId])}>{view.parentId}</a>
                  </dd>
                </>
              ) : null}
              <dt>Governance boards</dt>
              <dd>
                {data?.boards.length
                  ? data.boards.map((b, i) => (
                      <span key={b.boardId}>
                        {i > 0 ? ', ' : ''}
                        <a href={href(['boards', b.boardId])}>{b.name}</a>
                      </span>
                    ))
                  : 'None recorded'}
              </dd>
            </dl>
          </section>

          <section aria-labelledby={`${hid}-parties`}>
            <h2 id={`${hid}-parties`}>Parties and membership</h2>
            <MembershipTimeline
              title={`Membership of ${view.title}${asOf ? ` as of ${formatDate(asOf)}` : ''}`}
              start={start}
              end={end}
              parties={view.membership.map<Period>((m) => ({
                label: nameOf(m.bodyId),
                from: m.from,
                until: m.until,
                noticeEffectiveOn: view.parties.find((p) => p.id === m.bodyId && p.current)?.noticeEffectiveOn ?? null,
              }))}
              hosts={view.hosts.map((h) => ({ label: nameOf(h.hostForce), from: h.from, until: h.until }))}
            />
            <Table
              caption={
                <>
                  {currentParties.length} current parties
                  {view.parties.length > currentParties.length
                    ? `, ${view.parties.length - currentParties.length} former`
                    : ''}
                  {view.membersNamed ? ` (${view.membersNamed})` : ''}
                </>
              }
              columns={['Party', 'As', 'Member from', 'Until', 'Signed', 'PCC approval', 'Withdrawal notice']}
              region="Parties"
              className="parties"
            >
              {view.parties.map((p) => (
                <tr key={`${p.id}-${p.from}`}>
                  <th scope="row">
                    <a href={href(['bodies', p.id], { asOf })}>{p.name}</a>
                    {p.current ? null : <span className="tag"> former</span>}
                  </th>
                  <td>{p.capacityText}</td>
                  <td>{formatDate(p.from)}</td>
                  <td>{p.untilSentence ?? (p.until ? formatDate(p.until) : '—')}</td>
                  <td>
                    {p.signedOn ? `${formatDate(p.signedOn)}${p.signedBy ? ` by ${p.signedBy}` : ''}` : 'Not signed'}
                  </td>
                  <td>
                    {p.approvedOn
                      ? `${formatDate(p.approvedOn)}${p.approvedBy ? ` (${p.approvedBy})` : ''}`
                      : p.approvalAsked
                        ? 'Not approved'
                        : 'Not asked'}
                  </td>
                  <td>
                    {p.noticeEffectiveOn
                      ? `Given ${formatDate(p.noticeGivenOn)}, takes effect ${formatDate(p.noticeEffectiveOn)}`
                      : '—'}
                  </td>
                </tr>
              ))}
            </Table>
          </section>

          <section aria-labelledby={`${hid}-host`}>
            <h2 id={`${hid}-host`}>Host force history</h2>
            {view.hosts.length ? (
              <ul>
                {view.hosts.map((h) => (
                  <li key={`${h.hostForce}-${h.from}`}>
                    {nameOf(h.hostForce)}: from {formatDate(h.from)}
                    {h.until ? ` until ${formatDate(h.until)}` : ' (hosts now)'}
                  </li>
                ))}
              </ul>
            ) : (
              <p>No host force recorded.</p>
            )}
          </section>

          <section aria-labelledby={`${hid}-lines`}>
            <h2 id={`${hid}-lines`}>Service lines</h2>
            {view.serviceLines.length ? (
              <ul>
                {view.serviceLines.map((line) => (
                  <li key={line.serviceLineId}>
                    {line.name}: from {formatDate(line.from)}
                    {line.until ? ` until ${formatDate(line.until)} (${line.endReason ?? 'ended'})` : ' (runs now)'}
                  </li>
                ))}
              </ul>
            ) : (
              <p>No service lines recorded.</p>
            )}
          </section>

          <section aria-labelledby={`${hid}-terms`}>
            <h2 id={`${hid}-terms`}>Terms</h2>
            {view.terms ? (
              <TermsSummary version={view.terms} nameOf={nameOf} versions={view.termsHistory.length} />
            ) : (
              <p>
                {view.termsHistory.length ? 'No version of the terms in force on this date.' : 'No terms recorded.'}
              </p>
            )}
          </section>

          <section aria-labelledby={`${hid}-var`}>
            <h2 id={`${hid}-var`}>Variations and reviews</h2>
            {view.variations.length === 0 && view.reviews.length === 0 ? (
              <p>No variations or reviews recorded.</p>
            ) : null}
            {view.variations.length ? (
              <ul>
                {view.variations.map((v, i) => (
                  <li key={i}>
                    {v.status === 'pending' ? 'Proposed' : v.status === 'withdrawn' ? 'Withdrawn' : 'Varied'}{' '}
                    {formatDate(v.on)}: {v.summary}
                    {v.status === 'pending' ? ` Pending: awaiting ${v.awaiting || 'nothing'}.` : ''}{' '}
                    <span className="muted">(recorded by {v.by})</span>
                  </li>
                ))}
              </ul>
            ) : null}
            {view.reviews.length ? (
              <ul>
                {view.reviews.map((r, i) => (
                  <li key={i}>
                    Reviewed {formatDate(r.on)}: {r.outcome}
                    {r.nextReviewDue ? ` Next review due ${formatDate(r.nextReviewDue)}.` : ''}{' '}
                    <span className="muted">(recorded by {r.by})</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </section>

          <section aria-labelledby={`${hid}-sav`}>
            <h2 id={`${hid}-sav`}>Savings: forecast against realised</h2>
            {view.savings.length ? (
              <>
                <SavingsChart title={`Savings of ${view.title} by financial year`} savings={view.savings} />
                <Table caption="Savings by financial year" columns={['Financial year', 'Forecast', 'Realised']}>
                  {view.savings.map((s) => (
                    <tr key={s.financialYear}>
                      <th scope="row">{s.financialYear}</th>
                      <td>{formatPounds(s.forecastPence)}</td>
                      <td>{formatPounds(s.realisedPence)}</td>
                    </tr>
                  ))}
                </Table>
              </>
            ) : (
              <p>No savings recorded.</p>
            )}
          </section>
        </>
      ) : null}

      {data ? <Decisions decisions={data.decisions} on="agreement" /> : null}

      {view && canWrite(session) && !replaying ? (
        <RecordForms heading="Record a fact" revision={expectedRevision} of="this agreement">
          <WriteForm
            title="Signature"
            submitLabel="Record signature"
            fields={[
              choiceField('party', 'Party', partyOptions),
              {
                name: 'signedBy',
                label: 'Signed by',
                required: true,
                hint: 'For example: Chief Constable of Gwent Police',
              },
              dateField('occurredAt', 'Signed on'),
            ]}
            submit={(v) => post(`/agreements/${encodeURIComponent(id)}/signatures`, { ...v, expectedRevision })}
            reload={reload}
          />
          <WriteForm
            title="PCC approval"
            submitLabel="Record approval"
            fields={[
              choiceField('party', 'Party whose policing body approved', partyOptions),
              dateField('occurredAt', 'Approved on'),
            ]}
            submit={(v) => post(`/agreements/${encodeURIComponent(id)}/pcc-approvals`, { ...v, expectedRevision })}
            reload={reload}
          />
          <WriteForm
            title="Withdrawal notice"
            submitLabel="Record notice"
            fields={[
              choiceField('party', 'Party giving notice', partyOptions),
              dateField('effectiveOn', 'Withdrawal takes effect on'),
              dateField('occurredAt', 'Notice given on'),
            ]}
            submit={(v) => post(`/agreements/${encodeURIComponent(id)}/withdrawal-notices`, { ...v, expectedRevision })}
            reload={reload}
          />
          <DecisionForm title="Decision about this agreement" about={{ agreementId: id }} reload={reload} />
        </RecordForms>
      ) : null}

      <IntegrityCheck />
      {data && data.events.length ? (
        <EventHistory
          events={data.events}
          caption={`${data.events.length} events of agreement-${id}, oldest first${replaying ? '; events outside the replay are marked' : ''}`}
          isIncluded={replaying ? inWindow(asOf, knownAt) : undefined}
        />
      ) : null}
    </>
  );
}

/** One version of the terms: what it is for, who pays what, and the notice a party must give to leave. */
function TermsSummary({
  version,
  versions,
  nameOf,
}: {
  version: NonNullable<AgreementDetail['terms']>;
  versions: number;
  nameOf: (id: string) => string;
}) {
  const { terms } = version;
  const notice = terms.noticePeriod;
  return (
    <>
      <p>
        Version {version.termsVersion} of {versions}, in effect from {formatDate(version.effectiveFrom)} (agreed{' '}
        {formatDate(version.setOn)}). {terms.purpose}
      </p>
      <ul>
        {terms.functions.length ? <li>Functions: {terms.functions.join(', ')}</li> : null}
        {terms.directionAndControl ? <li>Direction and control: {terms.directionAndControl}</li> : null}
        <li>Notice of withdrawal: {notice ? `${notice.length} ${notice.unit}` : 'not set'}</li>
        {terms.reviewCycleMonths ? <li>Reviewed every {terms.reviewCycleMonths} months</li> : null}
        {terms.contributions.map((c) => (
          <li key={c.party}>
            {nameOf(c.party)} contributes{' '}
            {c.shareBasisPoints !== null ? `${c.shareBasisPoints / 100}%` : formatPounds(c.amountPence)}
          </li>
        ))}
      </ul>
    </>
  );
}
