import { useEffect, useId, useState, type FormEvent } from 'react';
import { get, withQuery } from '../api';
import { MoreButton, useMore } from '../components/more';
import { Loading, ProblemMessage } from '../components/problem';
import { Table } from '../components/table';
import { useLoad } from '../components/use-load';
import { formatDate, labelOf, LEGAL_BASIS_LABEL, SCOPE_LABEL } from '../format';
import type { PublicRegisterAnswer, PublicRegisterEntry } from '../generated/api-types';
import { href, navigate } from '../router';
import type { DevSignInOptions } from './types';

/** The JSON answer (the route answers CSV text too, when asked). */
type PublicRegister = Exclude<PublicRegisterAnswer, string>;

/*
 * Everything here is read without a token (`anonymous`): the s23E register is the one data route open to
 * everyone (docs/security.md, "What is public"), and a signed-out reader must never be sent to sign in, nor a
 * signed-in one's token be spent on it.
 */
const publicPath = (bodyId: string) => `/public/bodies/${encodeURIComponent(bodyId)}/agreements`;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Choose a force to read its published agreements. The forces to choose from come from the local sign-in's
 * options where this service offers them (loopback, embedded default only); elsewhere the reader types the
 * force's identifier, as it appears in the address (e.g. thames-valley).
 */
export function PublicRegisterChooser({ heading }: { heading: string }) {
  const id = useId();
  const [bodies, setBodies] = useState<{ id: string; name: string }[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [invalid, setInvalid] = useState(false);

  useEffect(() => {
    get<DevSignInOptions>('/auth/dev-sign-in', undefined, { anonymous: true }).then(
      (o) => {
        setBodies(o.bodies);
        setChosen((c) => c || (o.bodies[0]?.id ?? ''));
      },
      () => setBodies([]),
    );
  }, []);

  function open(event: FormEvent) {
    event.preventDefault();
    const bodyId = chosen.trim();
    if (!SLUG.test(bodyId)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    navigate(['public', bodyId]);
  }

  return (
    <form className="write-form" onSubmit={open} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      <p>
        What each force and its policing body publish about their collaboration agreements (Police Act 1996 s23E). No
        account is needed.
      </p>
      <div className={`field${invalid ? ' field-error' : ''}`}>
        <label htmlFor={`${id}-body`}>Force</label>
        {bodies && bodies.length > 0 ? (
          <select id={`${id}-body`} name="body" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {bodies.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        ) : (
          <>
            <p className="hint" id={`${id}-body-hint`}>
              The force&apos;s identifier, lower case with hyphens, e.g. <code>thames-valley</code>.
            </p>
            {invalid ? (
              <p className="error-message" id={`${id}-body-error`}>
                Give the force&apos;s identifier: lower-case letters and digits joined by hyphens.
              </p>
            ) : null}
            <input
              id={`${id}-body`}
              name="body"
              value={chosen}
              onChange={(e) => setChosen(e.target.value)}
              aria-describedby={`${id}-body-hint${invalid ? ` ${id}-body-error` : ''}`}
              aria-invalid={invalid || undefined}
            />
          </>
        )}
      </div>
      <div className="form-actions">
        <button type="submit">Show published agreements</button>
      </div>
    </form>
  );
}

function PublishedRow({ entry }: { entry: PublicRegisterEntry }) {
  if (entry.details === 'limited') {
    return (
      <tr>
        <th scope="row">{entry.title}</th>
        <td>{entry.purpose}</td>
        <td colSpan={3}>
          <em>Limited details published</em>: publishing more would harm security or operations (s23E).
        </td>
        <td>{formatDate(entry.publishedOn)}</td>
        <td>—</td>
      </tr>
    );
  }
  const publisher = entry.parties.find((p) => p.id === entry.publishedBy)?.name ?? entry.publishedBy;
  return (
    <tr>
      <th scope="row">{entry.title}</th>
      <td>{entry.purpose}</td>
      <td>{entry.parties.map((p) => p.name).join(', ')}</td>
      <td>
        {labelOf(LEGAL_BASIS_LABEL, entry.legalBasis)}
        {entry.scope ? `; ${labelOf(SCOPE_LABEL, entry.scope).toLowerCase()}` : ''}
      </td>
      <td>
        Signed {formatDate(entry.signedOn)}; in force from {formatDate(entry.inForceFrom)}
        {entry.endedOn ? `; ended ${formatDate(entry.endedOn)}` : ''}
      </td>
      <td>
        {formatDate(entry.publishedOn)} by {publisher}
      </td>
      <td>
        {/* The API accepts https links only; anything else is shown as text, never followed. */}
        {entry.documentUrl?.startsWith('https://') ? (
          <a href={entry.documentUrl} rel="noopener noreferrer" aria-label={`Published agreement: ${entry.title}`}>
            Published agreement
          </a>
        ) : (
          (entry.documentUrl ?? null)
        )}
        {entry.reference ? (
          <>
            {entry.documentUrl ? <br /> : null}
            Reference {entry.reference}
          </>
        ) : null}
        {!entry.documentUrl && !entry.reference ? '—' : null}
      </td>
    </tr>
  );
}

/**
 * A force's s23E register (GET /public/bodies/:id/agreements): the agreements it is or was a party to that a party
 * published, in full or, when exempt, by title and purpose only. Read without signing in. `limit` in the address
 * sets the page size (the API's default otherwise).
 */
export function PublicRegisterPage({
  id,
  query,
  signedIn,
}: {
  id: string | null;
  query: URLSearchParams;
  signedIn: boolean;
}) {
  const limit = query.get('limit');
  const loaded = useLoad(
    () => (id ? get<PublicRegister>(publicPath(id), { limit }, { anonymous: true }) : Promise.resolve(null)),
    `${id}|${limit}`,
  );
  const register = loaded.data;
  const list = useMore(register ? { rows: register.agreements, next: register.next } : null, async (cursor) => {
    const page = await get<PublicRegister>(publicPath(id ?? ''), { limit, cursor }, { anonymous: true });
    return { rows: page.agreements, next: page.next };
  });
  const back = signedIn ? (
    <a href={href(['bodies', ...(id ? [id] : [])])}>Collaborations of this force (signed in)</a>
  ) : (
    <a href={href(['agreements'])}>Sign in</a>
  );

  if (!id) {
    return (
      <>
        <p className="breadcrumb">{back}</p>
        <h1 tabIndex={-1}>Published collaboration agreements</h1>
        <PublicRegisterChooser heading="Choose a force" />
      </>
    );
  }
  return (
    <>
      <p className="breadcrumb no-print">
        {back} · <a href={href(['public'])}>Another force</a>
      </p>
      <h1 tabIndex={-1}>Published collaboration agreements{register ? `: ${register.body.name}` : ''}</h1>
      <p>
        The collaboration agreements this force is or was a party to, as its parties published them under section 23E of
        the Police Act 1996. Where publishing an agreement in full would harm security or operations, only its title and
        purpose are published. No account is needed to read this page.
      </p>
      {loaded.problem ? <ProblemMessage problem={loaded.problem} /> : null}
      {loaded.loading && !register ? <Loading what="published agreements" /> : null}
      {register ? (
        <>
          <p>
            <a href={withQuery(publicPath(id), { format: 'csv', limit: 500 })} download>
              Download as CSV
            </a>{' '}
            (up to 500 agreements; the answer&apos;s <code>Link</code> header names the next part)
          </p>
          {register.agreements.length === 0 ? (
            <p>No agreement of this force has been published yet.</p>
          ) : (
            <Table
              caption={
                <>
                  {list.rows.length}
                  {list.next !== null ? '+' : ''} published agreements
                </>
              }
              columns={['Agreement', 'Purpose', 'Parties', 'Legal basis', 'Dates', 'Published', 'Document']}
              region="Published agreements"
            >
              {list.rows.map((entry) => (
                <PublishedRow key={entry.agreementId} entry={entry} />
              ))}
            </Table>
          )}
          <MoreButton paged={list} what="agreements" />
        </>
      ) : null}
    </>
  );
}
