import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError, get, type Problem } from '../api';
import type { IntegrityAnswer } from '../pages/types';
import { formatDateTime } from '../format';

/**
 * "As of" (valid time: the world on that date) and "known at" (transaction time: what the record
 * said on that date). Submitting redraws the page from the API's bitemporal queries.
 */
export function AuditorControls({
  asOf,
  knownAt,
  onChange,
  knownAtHint,
}: {
  asOf: string | null;
  knownAt: string | null;
  onChange: (dates: { asOf: string | null; knownAt: string | null }) => void;
  knownAtHint?: string;
}) {
  const id = useId();
  const [asOfValue, setAsOf] = useState(asOf ?? '');
  const [knownAtValue, setKnownAt] = useState(knownAt ?? '');
  useEffect(() => setAsOf(asOf ?? ''), [asOf]);
  useEffect(() => setKnownAt(knownAt ?? ''), [knownAt]);

  function submit(event: FormEvent) {
    event.preventDefault();
    onChange({ asOf: asOfValue || null, knownAt: knownAtValue || null });
  }

  return (
    <form className="auditor-controls" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Auditor controls: replay the record</h2>
      <div className="inline-fields">
        <div className="field">
          <label htmlFor={`${id}-asof`}>As of (the world on this date)</label>
          <input
            id={`${id}-asof`}
            name="asOf"
            type="date"
            value={asOfValue}
            onChange={(e) => setAsOf(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-known`}>Known at (what the record said on this date)</label>
          <input
            id={`${id}-known`}
            name="knownAt"
            type="date"
            value={knownAtValue}
            onChange={(e) => setKnownAt(e.target.value)}
            aria-describedby={knownAtHint ? `${id}-known-hint` : undefined}
          />
          {knownAtHint ? (
            <p className="hint" id={`${id}-known-hint`}>
              {knownAtHint}
            </p>
          ) : null}
        </div>
        <div className="form-actions">
          <button type="submit">Redraw</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setAsOf('');
              setKnownAt('');
              onChange({ asOf: null, knownAt: null });
            }}
          >
            Back to today
          </button>
        </div>
      </div>
    </form>
  );
}

/** Runs the API's verify (`GET /integrity`): walks the hash chain of the whole log. */
export function IntegrityCheck() {
  const id = useId();
  const [report, setReport] = useState<IntegrityAnswer | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [at, setAt] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setProblem(null);
    try {
      setReport(await get<IntegrityAnswer>('/integrity'));
      setAt(new Date().toISOString());
    } catch (error) {
      setReport(null);
      setProblem(
        error instanceof ApiError
          ? error.problem
          : { type: 'about:blank', title: 'Error', status: 0, detail: String(error) },
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="integrity" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Integrity of the event log</h2>
      <p>Checks that no stored event was edited, deleted, inserted or reordered (the hash chain over the whole log).</p>
      <button type="button" onClick={() => void run()} disabled={busy}>
        {busy ? 'Checking…' : 'Run integrity check'}
      </button>
      <div role="status" className="integrity-result">
        {report?.ok ? (
          <p className="ok">
            <strong>Intact.</strong> {report.events} events verified up to position {report.headPosition ?? '—'}; last
            hash <code className="hash">{report.headHash}</code> (checked {formatDateTime(at)}).
          </p>
        ) : null}
        {report && !report.ok ? (
          <p className="broken">
            <strong>Broken at position {report.brokenAt}</strong> ({report.reason}): {report.detail}{' '}
            {report.eventsVerified} events verified before the break.
          </p>
        ) : null}
        {problem ? <p className="broken">{problem.detail}</p> : null}
      </div>
    </section>
  );
}
