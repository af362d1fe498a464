import { useId, useState, type FormEvent } from 'react';
import { get, post, revisionOf, streamEvents, type StoredEvent } from '../api';
import { MeetingTimeline } from '../components/charts';
import { EventHistory } from '../components/event-history';
import { Loading, ProblemMessage } from '../components/problem';
import { useLoad } from '../components/use-load';
import { WriteForm, type Values } from '../components/write-form';
import { financialYearOf, formatDate, formatDateTime, today } from '../format';
import { href, navigate } from '../router';
import { canWrite, type Session } from '../session';
import type { Alert, Board, BoardCompliance, BoardMeeting, Decision } from './types';

export function BoardsPage() {
  const hid = useId();
  const boards = useLoad((minPosition) => get<{ boards: Board[] }>('/boards', { minPosition }), 'boards');
  return (
    <>
      <h1 tabIndex={-1}>Governance boards</h1>
      {boards.problem ? <ProblemMessage problem={boards.problem} /> : null}
      {boards.loading && !boards.data ? <Loading what="boards" /> : null}
      {boards.data && boards.data.boards.length === 0 ? (
        <p>No governance boards are recorded yet. An administrator establishes them (POST /boards).</p>
      ) : null}
      {boards.data && boards.data.boards.length ? (
        <div className="table-scroll" role="region" aria-label="Boards table" tabIndex={0}>
          <table>
            <caption id={`${hid}-t`}>{boards.data.boards.length} boards</caption>
            <thead>
              <tr>
                <th scope="col">Board</th>
                <th scope="col">Chair</th>
                <th scope="col">Oversees</th>
                <th scope="col">Longest allowed gap</th>
                <th scope="col">Quorum</th>
              </tr>
            </thead>
            <tbody>
              {boards.data.boards.map((b) => (
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
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

interface BoardData {
  board: Board & { meetings: BoardMeeting[] };
  compliance: BoardCompliance;
  events: StoredEvent[];
  decisions: Decision[];
  alerts: Alert[];
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
  const loaded = useLoad<BoardData>(async (minPosition) => {
    const path = `/boards/${encodeURIComponent(id)}`;
    const [board, compliance, events, decisions, alerts] = await Promise.all([
      get<Board & { meetings: BoardMeeting[] }>(path, { minPosition }),
      get<BoardCompliance>(`${path}/compliance`, { financialYear, minPosition }),
      streamEvents(`board-${id}`),
      get<{ decisions: Decision[] }>('/decisions', { boardId: id, minPosition }),
      get<{ alerts: Alert[] }>('/alerts', { boardId: id, minPosition }),
    ]);
    return { board, compliance, events, decisions: decisions.decisions, alerts: alerts.alerts };
  }, `${id}|${financialYear}`);
  const [fy, setFy] = useState(financialYear ?? '');
  const data = loaded.data;
  const expectedRevision = data ? revisionOf(data.events) : -1;
  const reload = (position: string | null) => loaded.reload(position);
  const meetings = data?.board.meetings ?? [];
  const meetingOptions = meetings.map((m) => ({
    value: m.meetingId,
    label: `${m.meetingId} (${formatDate(m.scheduledFor)}, ${m.status})`,
  }));
  const c = data?.compliance;

  function chooseYear(event: FormEvent) {
    event.preventDefault();
    navigate(['boards', id], { financialYear: fy || null });
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
      {data && c ? (
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

          <form className="filters" onSubmit={chooseYear} aria-labelledby={`${hid}-fy`}>
            <h2 id={`${hid}-fy`}>Compliance by financial year</h2>
            <div className="inline-fields">
              <div className="field">
                <label htmlFor={`${hid}-year`}>Financial year (April to March)</label>
                <select id={`${hid}-year`} value={fy || c.financialYear} onChange={(e) => setFy(e.target.value)}>
                  {financialYears(data.board.establishedOn, today() > c.asOf ? today() : c.asOf).map((y) => (
                    <option key={y} value={y}>
                      {y}
                    </option>
                  ))}
                </select>
              </div>
              <div className="form-actions">
                <button type="submit">Show year</button>
              </div>
            </div>
          </form>

          <section aria-labelledby={`${hid}-rag`} className={`rag rag-${c.status}`}>
            <h3 id={`${hid}-rag`}>
              {c.financialYear}: <span className={`rag-badge rag-badge-${c.status}`}>{RAG_LABEL[c.status]}</span>
            </h3>
            <p>
              From {formatDate(c.periodStart)} to {formatDate(c.periodEnd)}, as it stood on {formatDate(c.asOf)}.
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
            <table>
              <caption>Meetings in {c.financialYear}</caption>
              <thead>
                <tr>
                  <th scope="col">Scheduled</th>
                  <th scope="col">Held</th>
                  <th scope="col">Quorate</th>
                  <th scope="col">Cancelled</th>
                  <th scope="col">Cancelled, not rearranged</th>
                  <th scope="col">Longest gap</th>
                </tr>
              </thead>
              <tbody>
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
              </tbody>
            </table>
          </section>

          <section aria-labelledby={`${hid}-tl`}>
            <h2 id={`${hid}-tl`}>Meeting timeline</h2>
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
            <div className="table-scroll" role="region" aria-label="Meetings table" tabIndex={0}>
              <table>
                <caption>Every meeting of the board</caption>
                <thead>
                  <tr>
                    <th scope="col">Meeting</th>
                    <th scope="col">Date</th>
                    <th scope="col">Status</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
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
                </tbody>
              </table>
            </div>
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

          <section aria-labelledby={`${hid}-dec`}>
            <h2 id={`${hid}-dec`}>Decisions</h2>
            {data.decisions.length ? (
              <ul>
                {data.decisions.map((d) => (
                  <li key={d.decisionId}>
                    {formatDate(d.decidedOn)}
                    {d.meetingId ? ` (meeting ${d.meetingId})` : ''}: {d.summary}{' '}
                    <span className="muted">
                      (recorded by {d.recordedBy}, {formatDateTime(d.recordedAt)})
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p>No decisions recorded.</p>
            )}
          </section>

          {canWrite(session) ? (
            <section aria-labelledby={`${hid}-rec`} className="forms">
              <h2 id={`${hid}-rec`}>Record a meeting or decision</h2>
              <p>
                Each form records against revision {expectedRevision} of this board: if someone else records first, the
                API refuses and the page reloads.
              </p>
              <div className="form-grid">
                <WriteForm
                  title="Meeting scheduled"
                  submitLabel="Record scheduled meeting"
                  fields={[
                    {
                      name: 'meetingId',
                      label: 'Meeting reference',
                      required: true,
                      hint: 'Letters, digits, dots, hyphens: e.g. 2016-q1',
                    },
                    { name: 'scheduledFor', label: 'Meeting date', type: 'date', required: true },
                  ]}
                  submit={(v) => post(`/boards/${encodeURIComponent(id)}/meetings`, { ...v, expectedRevision })}
                  onDone={(r) => reload(r.position)}
                  onStale={() => reload(null)}
                />
                {meetingOptions.length ? (
                  <>
                    <WriteForm
                      title="Meeting cancelled"
                      submitLabel="Record cancellation"
                      fields={[
                        {
                          name: 'meetingId',
                          label: 'Meeting',
                          type: 'select',
                          options: meetingOptions,
                          required: true,
                        },
                        { name: 'reason', label: 'Reason', type: 'textarea', required: true },
                        { name: 'occurredAt', label: 'Cancelled on', type: 'date', required: true },
                      ]}
                      submit={(v) =>
                        post(meetingPath(v, 'cancellation'), { ...without(v, 'meetingId'), expectedRevision })
                      }
                      onDone={(r) => reload(r.position)}
                      onStale={() => reload(null)}
                    />
                    <WriteForm
                      title="Meeting held"
                      submitLabel="Record meeting held"
                      fields={[
                        {
                          name: 'meetingId',
                          label: 'Meeting',
                          type: 'select',
                          options: meetingOptions,
                          required: true,
                        },
                        { name: 'occurredAt', label: 'Held on', type: 'date', required: true },
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
                      onDone={(r) => reload(r.position)}
                      onStale={() => reload(null)}
                    />
                    <WriteForm
                      title="Meeting rearranged"
                      submitLabel="Record rearrangement"
                      fields={[
                        {
                          name: 'meetingId',
                          label: 'Meeting',
                          type: 'select',
                          options: meetingOptions,
                          required: true,
                        },
                        { name: 'newDate', label: 'New date', type: 'date', required: true },
                        { name: 'occurredAt', label: 'Rearranged on', type: 'date', required: true },
                      ]}
                      submit={(v) =>
                        post(meetingPath(v, 'rearrangement'), { ...without(v, 'meetingId'), expectedRevision })
                      }
                      onDone={(r) => reload(r.position)}
                      onStale={() => reload(null)}
                    />
                  </>
                ) : null}
                <WriteForm
                  title="Decision"
                  submitLabel="Record decision"
                  fields={[
                    { name: 'id', label: 'Decision reference', required: true, hint: 'Letters, digits, dots, hyphens' },
                    { name: 'summary', label: 'What was decided', type: 'textarea', required: true },
                    {
                      name: 'meetingId',
                      label: 'At meeting',
                      type: 'select',
                      options: [{ value: '', label: 'Not at a meeting' }, ...meetingOptions],
                    },
                    {
                      name: 'agreementId',
                      label: 'About agreement',
                      type: 'select',
                      options: [
                        { value: '', label: 'No particular agreement' },
                        ...data.board.agreementIds.map((a) => ({ value: a, label: a })),
                      ],
                    },
                    { name: 'occurredAt', label: 'Decided on', type: 'date', required: true },
                  ]}
                  submit={(v) =>
                    post('/decisions', {
                      id: v.id,
                      summary: v.summary,
                      occurredAt: v.occurredAt,
                      boardId: id,
                      ...(v.meetingId ? { meetingId: v.meetingId } : {}),
                      ...(v.agreementId ? { agreementId: v.agreementId } : {}),
                      expectedRevision: -1,
                    })
                  }
                  onDone={(r) => reload(r.position)}
                  onStale={() => reload(null)}
                />
              </div>
            </section>
          ) : null}

          <EventHistory events={data.events} caption={`${data.events.length} events of board-${id}, oldest first`} />
        </>
      ) : null}
    </>
  );
}
