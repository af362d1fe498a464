import { useId, useState } from 'react';
import { get } from '../api';
import { FilterField, FilterForm } from '../components/filter-form';
import { Loading, ProblemMessage } from '../components/problem';
import { Table } from '../components/table';
import { useLoad } from '../components/use-load';
import { financialYearOf, formatDate, formatPounds, humanise, today } from '../format';
import type { GovernanceStatement } from '../generated/api-types';
import { href, navigate } from '../router';

const RAG_TEXT: Record<string, string> = { green: 'Green', amber: 'Amber', red: 'Red' };

/** Saves the statement's CSV (fetched with the signed-in token, so a plain link would not do). */
async function downloadCsv(
  bodyId: string,
  financialYear: string,
  asOf: string | null,
  knownAt: string | null,
): Promise<void> {
  const text = await get<string>(`/bodies/${encodeURIComponent(bodyId)}/governance-statement`, {
    financialYear,
    asOf,
    knownAt,
    format: 'csv',
  });
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `governance-statement-${bodyId}-${financialYear}.csv`;
  link.click();
  URL.revokeObjectURL(url);
}

/**
 * A force's governance statement for a financial year (GET /bodies/:id/governance-statement): findings first, then
 * each board's meetings and status, the agreements, and the alerts. Printable: the print stylesheet leaves out the
 * navigation and the forms.
 */
export function StatementPage({ id, query }: { id: string; query: URLSearchParams }) {
  const hid = useId();
  const asOf = query.get('asOf');
  const knownAt = query.get('knownAt');
  const financialYear = query.get('financialYear') ?? financialYearOf(asOf ?? today());
  const [year, setYear] = useState(financialYear);
  const [date, setDate] = useState(asOf ?? '');
  const [known, setKnown] = useState(knownAt ?? '');
  const loaded = useLoad(
    (minPosition) =>
      get<GovernanceStatement>(`/bodies/${encodeURIComponent(id)}/governance-statement`, {
        financialYear,
        asOf,
        knownAt,
        minPosition,
      }),
    `${id}|${financialYear}|${asOf}|${knownAt}`,
  );
  const s = loaded.data;
  const slashYear = financialYear.replace('-', '/');
  return (
    <>
      <p className="breadcrumb no-print">
        <a href={href(['bodies', id])}>Collaborations of this force</a>
      </p>
      <h1 tabIndex={-1}>
        Governance statement {slashYear}
        {s ? `: ${s.body.name}` : ''}
        {s?.knownAt ? `, as known at ${formatDate(s.knownAt)}` : ''}
      </h1>
      <div className="no-print">
        <FilterForm
          heading="Year and dates"
          submitLabel="Show statement"
          onSubmit={() =>
            navigate(['statements', id], {
              financialYear: year,
              asOf: date.trim() || null,
              knownAt: known.trim() || null,
            })
          }
        >
          <FilterField name="financialYear" label="Financial year (e.g. 2015-16)" value={year} onChange={setYear} />
          <FilterField
            name="asOf"
            label="As the record stood on (YYYY-MM-DD, optional)"
            value={date}
            onChange={setDate}
          />
          <FilterField
            name="knownAt"
            label="As known at (what the record said on this date, optional)"
            value={known}
            onChange={setKnown}
          />
        </FilterForm>
        <p>
          <button type="button" onClick={() => window.print()}>
            Print
          </button>{' '}
          <button
            type="button"
            className="secondary"
            onClick={() => void downloadCsv(id, financialYear, asOf, knownAt)}
          >
            Download CSV
          </button>
        </p>
      </div>
      {loaded.problem ? <ProblemMessage problem={loaded.problem} /> : null}
      {loaded.loading ? <Loading what="governance statement" /> : null}
      {s ? (
        <>
          <section aria-labelledby={`${hid}-findings`} className={`rag rag-${s.status}`}>
            <h2 id={`${hid}-findings`}>
              Findings: <span className={`rag-badge rag-badge-${s.status}`}>{RAG_TEXT[s.status]}</span>
            </h2>
            <p>
              1 April {s.periodStart.slice(0, 4)} to {formatDate(s.periodEnd)}
              {asOf ? `, as the record stood on ${formatDate(s.asOf)}` : ''}
              {s.knownAt ? `, as recorded by the end of ${formatDate(s.knownAt)}` : ''}. Policing body:{' '}
              {s.body.policingBody?.name ?? 'not known for this date'}.
            </p>
            {s.findings.length > 0 ? (
              <ul>
                {s.findings.map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
            ) : (
              <p>Nothing to report: every board kept its terms.</p>
            )}
          </section>
          <section aria-labelledby={`${hid}-boards`}>
            <h2 id={`${hid}-boards`}>Boards</h2>
            <Table
              columns={['Board', 'Status', 'Scheduled', 'Held', 'Quorate', 'Cancelled', 'Not rearranged', 'Reasons']}
              region="Boards"
            >
              {s.boards.map((b) => (
                <tr key={b.boardId}>
                  <th scope="row">
                    <a href={href(['boards', b.boardId], { financialYear, asOf, knownAt })}>{b.name}</a>
                  </th>
                  <td className={`status rag-${b.status}`}>{RAG_TEXT[b.status]}</td>
                  <td>{b.counts.scheduled}</td>
                  <td>{b.counts.held}</td>
                  <td>{b.counts.quorate}</td>
                  <td>{b.counts.cancelled}</td>
                  <td>{b.counts.cancelledNotRearranged}</td>
                  <td>{b.reasons.join(' ') || '—'}</td>
                </tr>
              ))}
            </Table>
          </section>
          <section aria-labelledby={`${hid}-agreements`}>
            <h2 id={`${hid}-agreements`}>Agreements in {slashYear}</h2>
            <Table
              columns={[
                'Agreement',
                'Member from',
                'Member until',
                'Boards',
                'Review due',
                'Savings forecast',
                'Realised',
              ]}
              region="Agreements"
            >
              {s.agreements.map((a) => (
                <tr key={a.agreementId}>
                  <th scope="row">
                    <a href={href(['agreements', a.agreementId])}>{a.title}</a>
                    {a.memberKnown ? null : <p className="hint">{a.notKnownBecause}</p>}
                  </th>
                  <td>
                    {formatDate(a.memberFrom)}
                    {a.memberFromPrecision === 'day' ? '' : ` (${a.memberFromPrecision})`}
                  </td>
                  <td>
                    {a.memberUntil ? formatDate(a.memberUntil) : '—'}
                    {a.memberUntilPrecision && a.memberUntilPrecision !== 'day' ? ` (${a.memberUntilPrecision})` : ''}
                  </td>
                  <td>{a.boardIds.length > 0 ? a.boardIds.length : 'None'}</td>
                  <td>
                    {a.reviewDue ? formatDate(a.reviewDue) : '—'}
                    {a.pastReviewDate ? ' (past)' : ''}
                  </td>
                  <td>{a.savings ? formatPounds(a.savings.forecastPence) : '—'}</td>
                  <td>{a.savings ? formatPounds(a.savings.realisedPence) : '—'}</td>
                </tr>
              ))}
            </Table>
          </section>
          <section aria-labelledby={`${hid}-alerts`}>
            <h2 id={`${hid}-alerts`}>Alerts with a breach in {slashYear}</h2>
            {s.alerts.length === 0 ? (
              <p>None.</p>
            ) : (
              <Table columns={['Alert', 'Severity', 'Breached on', 'Status', 'How it ended']} region="Alerts">
                {s.alerts.map((a) => (
                  <tr key={a.alertId}>
                    <th scope="row">{a.reason}</th>
                    <td>{humanise(a.severity)}</td>
                    <td>{a.breachedOn ? formatDate(a.breachedOn) : '—'}</td>
                    <td>{humanise(a.status)}</td>
                    <td>{a.resolution ? `${formatDate(a.resolution.at)}: ${a.resolution.reason}` : 'Not resolved'}</td>
                  </tr>
                ))}
              </Table>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
