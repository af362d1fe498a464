import { useId, useState } from 'react';
import { FilterField, FilterForm } from '../components/filter-form';
import { get, getEveryPage } from '../api';
import { MoreButton, useMore } from '../components/more';
import { Loading, ProblemMessage } from '../components/problem';
import { useLoad } from '../components/use-load';
import { formatDate, labelOf, LEGAL_BASIS_LABEL, SCOPE_LABEL, STATUS_LABEL } from '../format';
import { href, navigate } from '../router';
import type { Register } from './types';
import { Table } from '../components/table';

/** The register of agreements: filter by party, status, business area and legal basis. */
export function RegisterPage({ query }: { query: URLSearchParams }) {
  const id = useId();
  const filter = {
    party: query.get('party') ?? '',
    status: query.get('status') ?? '',
    area: query.get('area') ?? '',
    legalBasis: query.get('legalBasis') ?? '',
  };
  // Every agreement, for the parties to choose from and the counts; the list below is paged.
  const all = useLoad((minPosition) => getEveryPage<Register>('/agreements', { minPosition }, 'agreements'), 'all');
  const filtered = useLoad(
    (minPosition) => get<Register>('/agreements', { ...filter, minPosition }),
    JSON.stringify(filter),
  );
  const list = useMore(
    filtered.data ? { rows: filtered.data.agreements, next: filtered.data.next } : null,
    async (cursor) => {
      const page = await get<Register>('/agreements', { ...filter, cursor });
      return { rows: page.agreements, next: page.next };
    },
  );
  const [form, setForm] = useState(filter);

  const parties = new Map<string, string>();
  for (const a of all.data?.agreements ?? []) for (const p of a.parties) parties.set(p.id, p.name);
  const partyOptions = [...parties].sort((a, b) => a[1].localeCompare(b[1]));

  const counts = all.data?.counts;
  return (
    <>
      <h1 tabIndex={-1}>Register of collaboration agreements</h1>
      {counts ? (
        <section aria-labelledby={`${id}-counts`}>
          <h2 id={`${id}-counts`}>Agreements by status</h2>
          <ul className="counts">
            <li>
              <span className="count">{counts['in-force']}</span> in force
            </li>
            <li>
              <span className="count">{counts.drafted}</span> drafted
            </li>
            <li>
              <span className="count">{counts.terminated}</span> terminated
            </li>
            <li>
              <span className="count">{counts.total}</span> in all
            </li>
          </ul>
        </section>
      ) : null}
      <FilterForm
        heading="Filter"
        submitLabel="Apply filter"
        onSubmit={() => navigate(['agreements'], form)}
        extraActions={
          <a
            className="button secondary"
            href={href(['agreements'])}
            onClick={() => setForm({ party: '', status: '', area: '', legalBasis: '' })}
          >
            Clear
          </a>
        }
      >
        <FilterField
          name="party"
          label="Party"
          value={form.party}
          onChange={(party) => setForm({ ...form, party })}
          choices={partyOptions}
          anyLabel="Any party"
        />
        <FilterField
          name="status"
          label="Status"
          value={form.status}
          onChange={(status) => setForm({ ...form, status })}
          choices={Object.entries(STATUS_LABEL)}
          anyLabel="Any status"
        />
        <FilterField
          name="area"
          label="Business area contains"
          value={form.area}
          onChange={(area) => setForm({ ...form, area })}
        />
        <FilterField
          name="basis"
          label="Legal basis"
          value={form.legalBasis}
          onChange={(legalBasis) => setForm({ ...form, legalBasis })}
          choices={Object.entries(LEGAL_BASIS_LABEL)}
          anyLabel="Any legal basis"
        />
      </FilterForm>
      {filtered.problem ? <ProblemMessage problem={filtered.problem} /> : null}
      {filtered.loading && !filtered.data ? <Loading what="the register" /> : null}
      {filtered.data ? (
        <section aria-labelledby={`${id}-list`}>
          <h2 id={`${id}-list`}>Agreements</h2>
          <p role="status">
            Showing {list.rows.length} of {filtered.data.counts.total} agreements{list.next !== null ? ' so far' : ''}.
          </p>
          <Table
            columns={[
              'Agreement',
              'Status',
              'Legal basis',
              'Scope',
              'Business area',
              'Host force',
              'Parties',
              'In force from',
            ]}
            region="Agreements"
          >
            {list.rows.map((a) => (
              <tr key={a.agreementId}>
                <th scope="row">
                  <a href={href(['agreements', a.agreementId])}>{a.title}</a>
                </th>
                <td>
                  <span className={`status status-${a.status}`}>{STATUS_LABEL[a.status]}</span>
                </td>
                <td>{labelOf(LEGAL_BASIS_LABEL, a.legalBasis)}</td>
                <td>{labelOf(SCOPE_LABEL, a.scope)}</td>
                <td>{a.businessArea}</td>
                <td>{a.hostForce ? (parties.get(a.hostForce) ?? a.hostForce) : '—'}</td>
                <td>
                  {a.parties.length > 4 ? (
                    <details>
                      <summary>{a.parties.length} parties</summary>
                      {a.parties.map((p) => p.name).join(', ')}
                    </details>
                  ) : (
                    a.parties.map((p) => p.name).join(', ')
                  )}
                </td>
                <td>
                  {a.inForcePrecision && a.inForcePrecision !== 'day' ? a.inForceSentence : formatDate(a.inForceAt)}
                </td>
              </tr>
            ))}
          </Table>
          <MoreButton paged={list} what="agreements" />
        </section>
      ) : null}
    </>
  );
}
