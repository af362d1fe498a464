import { useEffect, useId, useState } from 'react';
import { get, post, revisionOf, streamEvents } from '../api';
import { MoreButton, useMore } from '../components/more';
import { Loading, ProblemMessage } from '../components/problem';
import { useLoad } from '../components/use-load';
import { WriteForm } from '../components/write-form';
import { formatDate, formatDateTime, humanise } from '../format';
import { href } from '../router';
import { canWrite, type Session } from '../session';
import type { Alert, AlertList } from './types';

const STATUSES = ['open', 'acknowledged', 'resolved'] as const;
/** Alerts are raised by the compliance evaluator just after the fact that caused them: look again now and then. */
const REFRESH_MS = 5000;

function AcknowledgeForm({ alert, onDone }: { alert: Alert; onDone: (position: string | null) => void }) {
  // The revision read when the form opens is what the acknowledgement is checked against.
  const revision = useLoad(
    (_: string | null) => streamEvents(`alert-${alert.alertId}`).then(revisionOf),
    alert.alertId,
  );
  if (revision.data === null) return <Loading what="the alert's revision" />;
  return (
    <WriteForm
      title={`Acknowledge: ${humanise(alert.rule)}`}
      submitLabel="Acknowledge"
      fields={[{ name: 'note', label: 'Note', type: 'textarea', hint: 'What is being done about it (optional).' }]}
      submit={(v) =>
        post(`/alerts/${encodeURIComponent(alert.alertId)}/acknowledgement`, {
          ...(v.note ? { note: v.note } : {}),
          expectedRevision: revision.data,
        })
      }
      onDone={(r) => onDone(r.position)}
      autoFocus
    />
  );
}

export function AlertsPage({ query, session }: { query: URLSearchParams; session: Session }) {
  const hid = useId();
  const status = (STATUSES as readonly string[]).includes(query.get('status') ?? '')
    ? (query.get('status') as Alert['status'])
    : 'open';
  const alerts = useLoad((minPosition) => get<AlertList>('/alerts', { status, minPosition }), status);
  const list = useMore(alerts.data ? { rows: alerts.data.alerts, next: alerts.data.next } : null, async (cursor) => {
    const page = await get<AlertList>('/alerts', { status, cursor });
    return { rows: page.alerts, next: page.next };
  });
  const [acknowledging, setAcknowledging] = useState<string | null>(null);
  const { reload } = alerts;

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible' && acknowledging === null) reload();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload, acknowledging]);

  return (
    <>
      <h1 tabIndex={-1}>Alerts</h1>
      <p>
        Raised by the compliance rules: meetings cancelled and not rearranged, boards overdue a meeting, outcomes
        missing, reviews overdue, withdrawals about to take effect. The list refreshes itself.
      </p>
      <nav aria-label="Alert status" className="tabs">
        <ul>
          {STATUSES.map((s) => (
            <li key={s}>
              <a href={href(['alerts'], { status: s })} aria-current={s === status ? 'page' : undefined}>
                {s[0]?.toUpperCase()}
                {s.slice(1)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {alerts.problem ? <ProblemMessage problem={alerts.problem} /> : null}
      {alerts.loading && !alerts.data ? <Loading what="alerts" /> : null}
      {alerts.data ? (
        <section aria-labelledby={`${hid}-list`}>
          <h2 id={`${hid}-list`}>
            {list.rows.length}
            {list.next !== null ? '+' : ''} {status} alerts
          </h2>
          <ul className="alerts">
            {list.rows.map((a) => (
              <li key={a.alertId} className={`alert alert-${a.severity}`}>
                <h3>
                  <span className={`severity severity-${a.severity}`}>
                    {a.severity === 'info' ? 'Info' : a.severity === 'red' ? 'Red' : 'Amber'}
                  </span>{' '}
                  {humanise(a.rule)}
                </h3>
                <p>{a.reason}</p>
                <p className="muted">
                  {a.subject.boardId ? (
                    <>
                      Board <a href={href(['boards', a.subject.boardId])}>{a.subject.boardId}</a>.{' '}
                    </>
                  ) : null}
                  {a.subject.agreementId ? (
                    <>
                      Agreement <a href={href(['agreements', a.subject.agreementId])}>{a.subject.agreementId}</a>.{' '}
                    </>
                  ) : null}
                  {a.breachedOn ? `Breached ${formatDate(a.breachedOn)}. ` : ''}Raised{' '}
                  {formatDateTime(a.raisedRecordedAt)}
                  {a.occurrence > 1 ? ` (occurrence ${a.occurrence})` : ''}.
                </p>
                {a.acknowledgement ? (
                  <p>
                    Acknowledged {formatDateTime(a.acknowledgement.at)} by {a.acknowledgement.by}
                    {a.acknowledgement.note ? `: “${a.acknowledgement.note}”` : '.'}
                  </p>
                ) : null}
                {a.resolution ? (
                  <p>
                    Resolved {formatDateTime(a.resolution.at)}: {a.resolution.reason}
                  </p>
                ) : null}
                {a.status === 'open' && canWrite(session) ? (
                  acknowledging === a.alertId ? (
                    <>
                      <AcknowledgeForm
                        alert={a}
                        onDone={(position) => {
                          setAcknowledging(null);
                          reload(position);
                        }}
                      />
                      <button type="button" className="secondary" onClick={() => setAcknowledging(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      onClick={() => setAcknowledging(a.alertId)}
                      aria-label={`Acknowledge alert: ${a.reason}`}
                    >
                      Acknowledge…
                    </button>
                  )
                ) : null}
              </li>
            ))}
          </ul>
          <MoreButton paged={list} what="alerts" />
        </section>
      ) : null}
    </>
  );
}
