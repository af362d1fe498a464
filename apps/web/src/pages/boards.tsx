import { useId, useState } from 'react';
import { FilterField, FilterForm } from '../components/filter-form';
import { ApiError, get, getEveryPage, post, revisionOf, streamEvents, type StoredEvent } from '../api';
import { MoreButton, useMore } from '../components/more';
import { MeetingTimeline } from '../components/charts';
import { EventHistory } from '../components/event-history';
import { Loading, ProblemMessage } from '../components/problem';
import { useLoad } from '../components/use-load';
import { DecisionForm } from '../components/decision-form';
import { Decisions } from '../components/decisions';
import { choiceField, dateField, referenceField, RecordForms, WriteForm, type Values } from '../components/write-form';
import { financialYearOf, formatDate, today } from '../format';
import { href, navigate } from '../router';
import { canWrite, type Session } from '../session';
import type { BoardKind, MemberRole } from '../generated/api-types';
import type {
  Alert,
  AlertList,
  Board,
  BoardAnswer,
  BoardCompliance,
  BoardList,
  BoardMeeting,
  Decision,
  DecisionList,
} from './types';
import { Table } from '../components/table';

export function BoardsPage() {
  const boards = useLoad((minPosition) => get<BoardList>('/boards', { minPosition }), 'boards');
  const list = useMore(boards.data ? { rows: boards.data.boards, next: boards.data.next } : null, async (cursor) => {
    const page = await get<BoardList>('/boards', { cursor });
    return { rows: page.boards, next: page.next };
  });
  return (
    <>
      <h1 tabIndex={-1}>Governance boards</h1>
      {boards.problem ? <ProblemMessage problem={boards.problem} /> : null}
      {boards.loading && !boards.data ? <Loading what="boards" /> : null}
      {boards.data && boards.data.boards.length === 0 ? (
        <p>No governance boards are recorded yet. An administrator establishes them (POST /boards).</p>
      ) : null}
      {boards.data && boards.data.boards.length ? (
        <Table
          caption={
            <>
              {list.rows.length}
              {list.next !== null ? '+' : ''} boards
            </>
          }
          columns={['Board', 'Chair', 'Oversees', 'Longest allowed gap', 'Quorum']}
          region="Boards"
        >
          {list.rows.map((b) => (
            <tr key={b.boardId}>
              <th scope="row">
                <a href={href(['boards', b.boardId])}>{b.name}</a>
              </th>
              <td>{b.terms.chair}</td>
              <td>
                {b.agreementIds.map((a, i) => (
                  <span key={a}>
                    {i > 0 ? ', ' : ''}
                    <a href={href(['agreements', a])}>{a}</a>
                  </span>
                ))}
              </td>
              <td>{b.terms.maxDaysBetweenMeetings} days</td>
              <td>{b.terms.quorum} bodies</td>
            </tr>
          ))}
        </Table>
      ) : null}
      <MoreButton paged={list} what="boards" />
    </>
  );
}

/** With knownAt, the compliance answer says what it replayed (GET /boards/:id/compliance, docs/api.md). */
type ComplianceAnswer = BoardCompliance & {
  replay?: { asOf: string; knownAt: string; eventsConsidered: number; lastRecordedAt: string | null };
};

interface BoardData {
  board: Board & { meetings: BoardMeeting[] };
  /** Null when asked known at a time before the board was recorded (the API answers 404 then). */
  compliance: ComplianceAnswer | null;
  events: StoredEvent[];
  decisions: Decision[];
  alerts: Alert[];
}

const KIND_LABEL: Record<BoardKind, string> = {
  'joint-accountability': 'Joint accountability: the policing bodies hold the chief officers to account',
  'chief-officers': 'Chief officers: the chief officers run the collaboration',
  programme: 'Programme: it delivers a change',
};

const ROLE_LABEL: Record<MemberRole, string> = {
  pcc: 'Policing body (PCC or equivalent)',
  'chief-officer': 'Chief officer',
  other: 'Other',
};
const ROLES: readonly MemberRole[] = ['pcc', 'chief-officer', 'other'];

/** Who sits on the board by role, how many of each a quorum needs, and which agreements it has overseen when. */
function Accountability({ board, hid }: { board: Board; hid: string }) {
  const a = board.accountability;
  return (
    <section aria-labelledby={`${hid}-acc`}>
      <h2 id={`${hid}-acc`}>Accountability and oversight</h2>
      {a === null ? (
        <p>The board&apos;s kind and members are not recorded (POST /boards/:id/accountability).</p>
      ) : (
        <>
          <dl className="summary">
            <dt>Kind of board</dt>
            <dd>{KIND_LABEL[a.kind]}</dd>
            <dt>Quorum by role</dt>
            <dd>
              {ROLES.some((r) => a.quorumByRole[r] !== undefined)
                ? ROLES.filter((r) => a.quorumByRole[r] !== undefined)
                    .map((r) => `${ROLE_LABEL[r]}: at least ${a.quorumByRole[r]}`)
                    .join('; ')
                : 'No quorum by role: the board-wide quorum applies'}
            </dd>
          </dl>
          {a.members.length ? (
            <Table caption="Members by role" columns={['Role', 'Name', 'Body']} region="Members">
              {ROLES.flatMap((r) =>
                a.members
                  .filter((m) => m.role === r)
                  .map((m) => (
                    <tr key={`${m.role} ${m.name} ${m.body}`}>
                      <td>{ROLE_LABEL[m.role]}</td>
                      <th scope="row">{m.name}</th>
                      <td>
                        <a href={href(['bodies', m.body])}>{m.body}</a>
                      </td>
                    </tr>
                  )),
              )}
            </Table>
          ) : (
            <p>No members are recorded.</p>
          )}
        </>
      )}
      <Table caption="Oversight history" columns={['Agreement', 'Overseen from', 'Until']} region="Oversight">
        {board.oversight.map((o) => (
          <tr key={`${o.agreementId} ${o.from}`}>
            <th scope="row">
              <a href={href(['agreements', o.agreementId])}>{o.agreementId}</a>
            </th>
            <td>{formatDate(o.from)}</td>
            <td>{o.until ? formatDate(o.until) : 'Still overseen'}</td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

const RAG_LABEL = {
  green: 'Green: compliant',
  amber: 'Amber: needs attention',
  red: 'Red: breach of the terms of reference',
};

function financialYears(from: string, to: string): string[] {
  const years: string[] = [];
  for (let y = Number(financialYearOf(from).slice(0, 4)); y <= Number(financialYearOf(to).slice(0, 4)); y++)
    years.push(`${y}-${String((y + 1) % 100).padStart(2, '0')}`);
  return years.reverse();
}

function attendeesFrom(text: string): { name: string; body: string }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.lastIndexOf(',');
      return at < 0 ? { name: line, body: '' } : { name: line.slice(0, at).trim(), body: line.slice(at + 1).trim() };
    });
}

export function BoardPage({ id, query, session }: { id: string; query: URLSearchParams; session: Session }) {
  const hid = useId();
  const financialYear = query.get('financialYear');
  const knownAt = query.get('knownAt');
  // From the governance statement's links: judge the year as the record stood on that day.
  const asOf = query.get('asOf');
  const loaded = useLoad<BoardData>(async (minPosition) => {
    const path = `/boards/${encodeURIComponent(id)}`;
    const [board, compliance, events, decisions, alerts] = await Promise.all([
      get<BoardAnswer>(path, { minPosition }),
      get<ComplianceAnswer>(`${path}/compliance`, { financialYear, asOf, knownAt, minPosition }).catch(
        (error: unknown) => {
          if (knownAt && error instanceof ApiError && error.problem.status === 404) return null;
          throw error;
        },
      ),
      streamEvents(`board-${id}`),
      getEveryPage<DecisionList>('/decisions', { boardId: id, minPosition }, 'decisions'),
      getEveryPage<AlertList>('/alerts', { boardId: id, minPosition }, 'alerts'),
    ]);
    return { board, compliance, events, decisions: decisions.decisions, alerts: alerts.alerts };
  }, `${id}|${financialYear}|${asOf}|${knownAt}`);
  const [fy, setFy] = useState(financialYear ?? '');
  const [known, setKnown] = useState(knownAt ?? '');
  const data = loaded.data;
  const expectedRevision = data ? revisionOf(data.events) : -1;
  const reload = (position: string | null) => loaded.reload(position);
  const meetings = data?.board.meetings ?? [];
  const meetingOptions = meetings.map((m) => ({
    value: m.meetingId,
    label: `${m.meetingId} (${formatDate(m.scheduledFor)}, ${m.status})`,
  }));
  const meetingField = choiceField('meetingId', 'Meeting', meetingOptions);
  const c = data?.compliance;

  function chooseYear() {
    navigate(['boards', id], { financialYear: fy || null, asOf, knownAt: known.trim() || null });
  }

  const meetingPath = (v: Values, what: string) =>
    `/boards/${encodeURIComponent(id)}/meetings/${encodeURIComponent(v.meetingId ?? '')}/${what}`;
  const without = (v: Values, ...keys: string[]) =>
    Object.fromEntries(Object.entries(v).filter(([k]) => !keys.includes(k)));

  return (
    <>
      <p className="breadcrumb">
        <a href={href(['boards'])}>Boards</a> › Board
      </p>
      <h1 tabIndex={-1}>{data?.board.name ?? id}</h1>
      {loaded.problem ? <ProblemMessage problem={loaded.problem} /> : null}
      {loaded.loading && !data ? <Loading what="the board" /> : null}
      {data ? (
        <>
          <dl className="summary">
            <dt>Chair</dt>
            <dd>{data.board.terms.chair}</dd>
            <dt>Oversees</dt>
            <dd>
              {data.board.agreementIds.map((a, i) => (
                <span key={a}>
                  {i > 0 ? ', ' : ''}
                  <a href={href(['agreements', a])}>{a}</a>
                </span>
              ))}
            </dd>
            <dt>Terms of reference</dt>
            <dd>
              Meet at least every {data.board.terms.maxDaysBetweenMeetings} days; quorum {data.board.terms.quorum}{' '}
              bodies; a cancelled meeting is rearranged within {data.board.terms.rearrangeWithinDays} days.
            </dd>
            <dt>Established</dt>
            <dd>{formatDate(data.board.establishedOn)}</dd>
          </dl>

          <Accountability board={data.board} hid={hid} />

          <FilterForm heading="Compliance by financial year" submitLabel="Show year" onSubmit={chooseYear}>
            <FilterField
              name="year"
              label="Financial year (April to March)"
              value={fy || (c?.financialYear ?? financialYearOf(today()))}
              onChange={setFy}
              choices={financialYears(data.board.establishedOn, c && c.asOf > today() ? c.asOf : today()).map(
                (y) => [y, y] as const,
              )}
            />
            <FilterField
              name="knownAt"
              label="Known at (what the record said on this date, optional)"
              value={known}
              onChange={setKnown}
            />
          </FilterForm>

          {c === null ? (
            <p className="notice" role="status">
              This board was not yet recorded on {knownAt}: nothing to judge as known then.
            </p>
          ) : null}
          {c ? (
            <section aria-labelledby={`${hid}-rag`} className={`rag rag-${c.status}`}>
              <h3 id={`${hid}-rag`}>
                {c.financialYear}
                {knownAt ? `, as known at ${formatDate(knownAt)}` : ''}:{' '}
                <span className={`rag-badge rag-badge-${c.status}`}>{RAG_LABEL[c.status]}</span>
              </h3>
              <p>
                From {formatDate(c.periodStart)} to {formatDate(c.periodEnd)}, as it stood on {formatDate(c.asOf)}
                {c.replay
                  ? `, judged from the ${c.replay.eventsConsidered} events of the board recorded by the end of ${formatDate(c.replay.knownAt)}`
                  : ''}
                .
              </p>
              {c.reasons.length ? (
                <>
                  <h4>Why</h4>
                  <ul>
                    {c.reasons.map((r, i) => (
                      <li key={i}>{r}</li>
                    ))}
                  </ul>
                </>
              ) : null}
              <Table
                caption={<>Meetings in {c.financialYear}</>}
                columns={['Scheduled', 'Held', 'Quorate', 'Cancelled', 'Cancelled, not rearranged', 'Longest gap']}
              >
                <tr>
                  <td>{c.counts.scheduled}</td>
                  <td>{c.counts.held}</td>
                  <td>{c.counts.quorate}</td>
                  <td>{c.counts.cancelled}</td>
                  <td>{c.counts.cancelledNotRearranged}</td>
                  <td>
                    {c.longestGap
                      ? `${c.longestGap.days} days (${formatDate(c.longestGap.from)} to ${formatDate(c.longestGap.to)})`
                      : '—'}
                  </td>
                </tr>
              </Table>
              {c.cancellations.length ? (
                <Table
                  caption={<>Cancellations in {c.financialYear}</>}
                  columns={['Meeting', 'Due on', 'Cancelled on', 'Rearrange by', 'Now']}
                  region="Cancellations"
                >
                  {c.cancellations.map((x) => (
                    <tr key={`${x.meetingId} ${x.cancelledOn}`}>
                      <th scope="row">{x.meetingId}</th>
                      <td>{formatDate(x.meetingDate)}</td>
                      <td>{formatDate(x.cancelledOn)}</td>
                      <td>{formatDate(x.rearrangeBy)}</td>
                      <td>
                        <span className={`status cancellation-${x.state}`}>
                          {x.state === 'awaiting-rearrangement'
                            ? `Awaiting rearrangement (by ${formatDate(x.rearrangeBy)})`
                            : x.state === 'rearranged'
                              ? `Rearranged${x.rearrangedTo ? ` to ${formatDate(x.rearrangedTo)}` : ''}`
                              : 'Not rearranged in time'}
                        </span>
                      </td>
                    </tr>
                  ))}
                </Table>
              ) : null}
            </section>
          ) : null}

          <section aria-labelledby={`${hid}-tl`}>
            <h2 id={`${hid}-tl`}>Meeting timeline</h2>
            {c ? (
              <MeetingTimeline
                title={`Meetings of ${data.board.name} in ${c.financialYear} against the ${c.terms.maxDaysBetweenMeetings}-day interval`}
                start={c.periodStart}
                end={c.periodEnd}
                maxDays={c.terms.maxDaysBetweenMeetings}
                meetings={meetings
                  .map((m) => ({
                    meetingId: m.meetingId,
                    date: (m.status === 'held' ? m.heldOn : m.scheduledFor) ?? m.scheduledFor,
                    status: m.status,
                    rearranged: m.rearrangedTo !== null,
                  }))
                  .filter((m) => m.date.slice(0, 10) >= c.periodStart && m.date.slice(0, 10) <= c.periodEnd)}
              />
            ) : null}
            <Table
              caption="Every meeting of the board"
              columns={['Meeting', 'Date', 'Status', 'Details']}
              region="Meetings"
            >
              {meetings.map((m) => (
                <tr key={m.meetingId}>
                  <th scope="row">{m.meetingId}</th>
                  <td>{formatDate(m.scheduledFor)}</td>
                  <td>
                    <span className={`status meeting-${m.status}`}>
                      {m.status === 'held' ? 'Held' : m.status === 'cancelled' ? 'Cancelled' : 'Scheduled'}
                    </span>
                  </td>
                  <td>
                    {m.status === 'held'
                      ? `Held ${formatDate(m.heldOn)}; ${m.quorate ? 'quorate' : 'not quorate'}; ${(m.attendees ?? []).map((a) => `${a.name} (${a.body})`).join(', ')}`
                      : null}
                    {m.status === 'cancelled'
                      ? `Cancelled ${formatDate(m.cancelledOn)}: ${m.cancellationReason ?? ''}`
                      : null}
                    {m.rearrangedTo ? ` Rearranged to ${formatDate(m.rearrangedTo)}.` : null}
                  </td>
                </tr>
              ))}
            </Table>
          </section>

          <section aria-labelledby={`${hid}-alerts`}>
            <h2 id={`${hid}-alerts`}>Alerts about this board</h2>
            {data.alerts.length ? (
              <ul>
                {data.alerts.map((a) => (
                  <li key={a.alertId}>
                    <span className={`severity severity-${a.severity}`}>{a.severity}</span> {a.status}: {a.reason}
                  </li>
                ))}
              </ul>
            ) : (
              <p>No alerts.</p>
            )}
            <p>
              <a href={href(['alerts'])}>All alerts</a>
            </p>
          </section>

          <Decisions decisions={data.decisions} on="board" />

          {canWrite(session) ? (
            <RecordForms heading="Record a meeting or decision" revision={expectedRevision} of="this board">
              <WriteForm
                title="Meeting scheduled"
                submitLabel="Record scheduled meeting"
                fields={[
                  referenceField('meetingId', 'Meeting reference', '2016-q1'),
                  dateField('scheduledFor', 'Meeting date'),
                ]}
                submit={(v) => post(`/boards/${encodeURIComponent(id)}/meetings`, { ...v, expectedRevision })}
                reload={reload}
              />
              {meetingOptions.length ? (
                <>
                  <WriteForm
                    title="Meeting cancelled"
                    submitLabel="Record cancellation"
                    fields={[
                      meetingField,
                      { name: 'reason', label: 'Reason', type: 'textarea', required: true },
                      dateField('occurredAt', 'Cancelled on'),
                    ]}
                    submit={(v) =>
                      post(meetingPath(v, 'cancellation'), { ...without(v, 'meetingId'), expectedRevision })
                    }
                    reload={reload}
                  />
                  <WriteForm
                    title="Meeting held"
                    submitLabel="Record meeting held"
                    fields={[
                      meetingField,
                      dateField('occurredAt', 'Held on'),
                      {
                        name: 'attendees',
                        label: 'Attendees',
                        type: 'textarea',
                        required: true,
                        hint: 'One a line: name, then a comma, then the slug of the body they represent (e.g. Chief Constable, gwent).',
                      },
                    ]}
                    submit={(v) =>
                      post(meetingPath(v, 'held'), {
                        occurredAt: v.occurredAt,
                        attendees: attendeesFrom(v.attendees ?? ''),
                        expectedRevision,
                      })
                    }
                    reload={reload}
                  />
                  <WriteForm
                    title="Meeting rearranged"
                    submitLabel="Record rearrangement"
                    fields={[meetingField, dateField('newDate', 'New date'), dateField('occurredAt', 'Rearranged on')]}
                    submit={(v) =>
                      post(meetingPath(v, 'rearrangement'), { ...without(v, 'meetingId'), expectedRevision })
                    }
                    reload={reload}
                  />
                </>
              ) : null}
              <DecisionForm
                title="Decision"
                about={{ boardId: id }}
                choices={[
                  choiceField(
                    'meetingId',
                    'At meeting',
                    [{ value: '', label: 'Not at a meeting' }, ...meetingOptions],
                    false,
                  ),
                  choiceField(
                    'agreementId',
                    'About agreement',
                    [
                      { value: '', label: 'No particular agreement' },
                      ...data.board.agreementIds.map((a) => ({ value: a, label: a })),
                    ],
                    false,
                  ),
                ]}
                reload={reload}
              />
            </RecordForms>
          ) : null}

          <EventHistory events={data.events} caption={`${data.events.length} events of board-${id}, oldest first`} />
        </>
      ) : null}
    </>
  );
}
