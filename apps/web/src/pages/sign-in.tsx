import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError, get, post, setBearer, type Problem } from '../api';
import { ProblemMessage } from '../components/problem';
import { href } from '../router';
import { sessionOf, type Role, type Session } from '../session';
import { PublicRegisterChooser } from './public-register';
import type { DevSignInOptions, DevTokenAnswer } from './types';

const ROLE_HELP: Record<Role, string> = {
  officer: 'Officer: records facts about the agreements your force is a party to',
  auditor: 'Auditor: reads, replays and verifies the record; records nothing',
  admin: 'Administrator: records everything, registers bodies and establishes boards',
};

/** Local sign-in (the embedded default only) or a pasted bearer token. */
export function SignInPage({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice: string | null }) {
  const id = useId();
  const [options, setOptions] = useState<DevSignInOptions | null | 'unavailable'>(null);
  const [role, setRole] = useState<Role>('officer');
  const [force, setForce] = useState('');
  const [sub, setSub] = useState('');
  const [pasted, setPasted] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [pasteProblem, setPasteProblem] = useState<Problem | null>(null);

  useEffect(() => {
    get<DevSignInOptions>('/auth/dev-sign-in', undefined, { anonymous: true }).then(
      (o) => {
        setOptions(o);
        setForce(o.bodies[0]?.id ?? '');
      },
      () => setOptions('unavailable'),
    );
  }, []);

  async function signInLocally(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    try {
      const answer = await post<DevTokenAnswer>(
        '/auth/dev-token',
        { roles: [role], ...(role === 'officer' ? { force } : {}), ...(sub.trim() ? { sub: sub.trim() } : {}) },
        { anonymous: true },
      );
      const session = sessionOf(answer.token);
      if (session) onSignedIn(session);
    } catch (error) {
      setProblem(
        error instanceof ApiError
          ? error.problem
          : { type: 'about:blank', title: 'Error', status: 0, detail: String(error) },
      );
    }
  }

  async function signInWithToken(event: FormEvent) {
    event.preventDefault();
    setPasteProblem(null);
    const session = sessionOf(pasted);
    if (!session) {
      setPasteProblem({
        type: 'about:blank',
        title: 'Not a token',
        status: 0,
        detail: 'Paste a JWT: three base64url parts separated by dots.',
      });
      return;
    }
    // Ask the API whether it accepts the token before using it.
    setBearer(session.token);
    try {
      await get('/boards');
      onSignedIn(session);
    } catch (error) {
      setBearer(null);
      setPasteProblem(
        error instanceof ApiError
          ? error.problem
          : { type: 'about:blank', title: 'Error', status: 0, detail: String(error) },
      );
    }
  }

  return (
    <>
      <h1 tabIndex={-1}>Sign in</h1>
      <p>
        <a href={href(['public'])}>Published collaboration agreements (no account needed)</a>
      </p>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {options && options !== 'unavailable' ? (
        <form className="write-form" onSubmit={(event) => void signInLocally(event)} aria-labelledby={`${id}-local`}>
          <h2 id={`${id}-local`}>Sign in on this machine</h2>
          <p>
            This service signs its own tokens (no identity provider is configured), so you can choose who you act as.
            The token lasts {options.expiresIn}.
          </p>
          <fieldset>
            <legend>Role</legend>
            {options.roles.map((r) => (
              <div className="radio" key={r}>
                <input
                  type="radio"
                  id={`${id}-role-${r}`}
                  name="role"
                  value={r}
                  checked={role === r}
                  onChange={() => setRole(r)}
                />
                <label htmlFor={`${id}-role-${r}`}>{ROLE_HELP[r]}</label>
              </div>
            ))}
          </fieldset>
          {role === 'officer' ? (
            <div className={`field${problem?.errors?.some((e) => e.field === 'force') ? ' field-error' : ''}`}>
              <label htmlFor={`${id}-force`}>Force you act for</label>
              <select id={`${id}-force`} name="force" value={force} onChange={(e) => setForce(e.target.value)}>
                {options.bodies.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={`${id}-sub`}>
              Your name <span className="optional">(optional; recorded as who did what)</span>
            </label>
            <input
              id={`${id}-sub`}
              name="sub"
              value={sub}
              onChange={(e) => setSub(e.target.value)}
              autoComplete="username"
            />
          </div>
          {problem ? <ProblemMessage problem={problem} /> : null}
          <div className="form-actions">
            <button type="submit">Sign in</button>
          </div>
        </form>
      ) : null}
      {options === 'unavailable' ? (
        <p>
          Local sign-in is not available on this service: paste a token from your identity provider or administrator.
        </p>
      ) : null}
      <form className="write-form" onSubmit={(event) => void signInWithToken(event)} aria-labelledby={`${id}-paste`}>
        <h2 id={`${id}-paste`}>Sign in with a token</h2>
        <div className="field">
          <label htmlFor={`${id}-token`}>Bearer token</label>
          <p className="hint" id={`${id}-token-hint`}>
            For example the output of <code>npm run --silent cli -- token --role auditor</code>.
          </p>
          <textarea
            id={`${id}-token`}
            name="token"
            rows={4}
            value={pasted}
            onChange={(e) => setPasted(e.target.value)}
            aria-describedby={`${id}-token-hint`}
            spellCheck={false}
          />
        </div>
        {pasteProblem ? <ProblemMessage problem={pasteProblem} /> : null}
        <div className="form-actions">
          <button type="submit">Use this token</button>
        </div>
      </form>
      <PublicRegisterChooser heading="Published collaboration agreements (no account needed)" />
    </>
  );
}
