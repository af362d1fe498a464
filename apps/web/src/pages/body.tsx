import { useId, useState } from 'react';
import { FilterField, FilterForm } from '../components/filter-form';
import { ApiError, get, getEveryPage } from '../api';
import { AuditorControls, IntegrityCheck } from '../components/auditor-controls';
import { Loading, ProblemMessage } from '../components/problem';
import { useLoad } from '../components/use-load';
import { formatDate, formatDateTime, labelOf, LEGAL_BASIS_LABEL, SCOPE_LABEL } from '../format';
import { href, navigate } from '../router';
import type { AgreementDetail, Collaboration, CollaborationsAnswer, Register } from './types';
import { Table } from '../components/table';

/** The collaborations answer, with the transaction time the page replayed it for ("known at"). */
type BodyCollaborations = CollaborationsAnswer & { knownAt: string | null };

/** At most this many replays at once when "known at" asks every agreement what the record said. */
const PARALLEL = 4;

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i] as T);
      }
    }),
  );
  return results;
}

/**
 * "Known at" for a body: the membership read model answers "as of" only, so each agreement on the
 * register is replayed bitemporally (GET /agreements/:id?asOf=&knownAt=) and kept when the body
 * was a party in that replay.
 */
async function collaborationsKnownAt(
  bodyId: string,
  asOf: string,
  knownAt: string,
  register: Register,
): Promise<Collaboration[]> {
  const replays = await mapLimited(register.agreements, PARALLEL, async (a) => {
    try {
      return await get<AgreementDetail>(`/agreements/${encodeURIComponent(a.agreementId)}`, { asOf, knownAt });
    } catch (error) {
      if (error instanceof ApiError && error.problem.status === 404) return null;
      throw error;
    }
  });
  return replays.flatMap((r) => {
    const party = r?.parties.find((p) => p.id === bodyId && p.current);
    if (!r || !party) return [];
    // The start as the replay's membership has it (issue 15: with how exactly it is known); a draft has none.
    const interval = r.membership.findLast((m) => m.bodyId === bodyId && m.validTo === null);
    const memberFrom = interval?.validFrom ?? party.addedOn.slice(0, 10);
    return [
      {
        agreementId: r.agreementId,
        title: r.title,
        legalBasis: r.legalBasis,
        scope: r.scope,
        businessArea: r.businessArea,
        memberFrom,
        memberUntil: null,
        memberFromPrecision: interval?.validFromPrecision ?? 'day',
        memberPossibleFrom: interval ? interval.possibleFrom : memberFrom,
        memberKnownFrom: interval?.knownFrom ?? memberFrom,
        memberFromSentence: r.inForceSentence?.replace(/^in force/, 'became a member') ?? `added on ${memberFrom}`,
        // A current party of the replay: no end yet.
        memberUntilPrecision: null,
        memberLeftBy: null,
        memberUntilSentence: null,
        capacity: party.capacity,
        capacityText: party.capacityText,
        member: r.inForce === null ? null : true,
        memberKnown: r.inForce !== null,
        notKnownBecause: r.inForceNote,
      },
    ];
  });
}

export function BodyPage({ id, query }: { id: string | null; query: URLSearchParams }) {
  const hid = useId();
  const asOf = query.get('asOf');
  const knownAt = query.get('knownAt');
  const register = useLoad(
    (minPosition) => getEveryPage<Register>('/agreements', { minPosition }, 'agreements'),
    'register',
  );
  const loaded = useLoad<BodyCollaborations | null>(async (minPosition) => {
    if (id === null) return null;
    const answer = await getEveryPage<CollaborationsAnswer>(
      `/bodies/${encodeURIComponent(id)}/collaborations`,
      { asOf, minPosition },
      'collaborations',
    );
    if (knownAt === null) return { ...answer, knownAt: null };
    const all = await getEveryPage<Register>('/agreements', {}, 'agreements');
    return { ...answer, knownAt, collaborations: await collaborationsKnownAt(id, answer.asOf, knownAt, all) };
  }, `${id}|${asOf}|${knownAt}`);
  const [choice, setChoice] = useState(id ?? '');

  const bodies = new Map<string, string>();
  for (const a of register.data?.agreements ?? []) for (const p of a.parties) bodies.set(p.id, p.name);
  const options = [...bodies].sort((a, b) => a[1].localeCompare(b[1]));

  function choose() {
    if (choice) navigate(['bodies', choice], { asOf, knownAt });
  }

  const data = loaded.data;
  return (
    <>
      <h1 tabIndex={-1}>{data ? `Collaborations of ${data.body.name}` : 'Collaborations of a force or body'}</h1>
      <FilterForm heading="Choose a force or body" submitLabel="Show collaborations" onSubmit={choose}>
        <FilterField
          name="body"
          label="Force or body"
          value={choice}
          onChange={setChoice}
          choices={options}
          anyLabel="Choose…"
        />
      </FilterForm>
      {id !== null ? (
        <AuditorControls
          asOf={asOf}
          knownAt={knownAt}
          onChange={(dates) => navigate(['bodies', id], { asOf: dates.asOf, knownAt: dates.knownAt })}
          knownAtHint="Replays each agreement on the register as the record stood on that date."
        />
      ) : null}
      {loaded.problem ? <ProblemMessage problem={loaded.problem} /> : null}
      {loaded.loading ? <Loading what="collaborations" /> : null}
      {data ? (
        <section aria-labelledby={`${hid}-list`}>
          <h2 id={`${hid}-list`}>
            {data.collaborations.filter((c) => c.memberKnown).length} collaborations on {formatDate(data.asOf)}
            {data.collaborations.some((c) => !c.memberKnown)
              ? `, and ${data.collaborations.filter((c) => !c.memberKnown).length} whose membership then is not known`
              : ''}
          </h2>
          {data.knownAt ? (
            <p role="status">As the record stood on {formatDate(data.knownAt)} (facts recorded later are left out).</p>
          ) : null}
          <Table
            columns={['Agreement', 'Legal basis', 'Scope', 'Business area', 'Party as', 'Member from', 'Member until']}
            region="Collaborations"
          >
            {data.collaborations.map((c) => (
              <tr key={c.agreementId}>
                <th scope="row">
                  <a href={href(['agreements', c.agreementId], { asOf, knownAt })}>{c.title}</a>
                </th>
                <td>{labelOf(LEGAL_BASIS_LABEL, c.legalBasis)}</td>
                <td>{labelOf(SCOPE_LABEL, c.scope)}</td>
                <td>{c.businessArea}</td>
                <td>{c.capacityText}</td>
                <td>
                  {c.memberFromPrecision === 'day' ? formatDate(c.memberFrom) : c.memberFromSentence}
                  {c.memberKnown ? null : <p className="muted">Member on {formatDate(data.asOf)}: not known.</p>}
                </td>
                <td>{c.memberUntil ? formatDate(c.memberUntil) : '—'}</td>
              </tr>
            ))}
          </Table>
          <p>
            <a href={href(['statements', id ?? ''], { asOf })}>Governance statement of this force</a> (by financial
            year, printable, CSV).
          </p>
          <p>
            <a href={href(['public', id ?? ''])}>What this force publishes (s23E)</a>: the public register, readable
            without an account.
          </p>
          <p className="muted">Answered {formatDateTime(new Date().toISOString())}.</p>
        </section>
      ) : null}
      {id !== null ? <IntegrityCheck /> : null}
    </>
  );
}
