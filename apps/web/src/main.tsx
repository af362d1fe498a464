import { StrictMode, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { setBearer, whenUnauthorised } from './api';
import { AgreementPage } from './pages/agreement';
import { AlertsPage } from './pages/alerts';
import { BoardPage, BoardsPage } from './pages/boards';
import { BodyPage } from './pages/body';
import { PublicRegisterPage } from './pages/public-register';
import { RegisterPage } from './pages/register';
import { SignInPage } from './pages/sign-in';
import { StatementPage } from './pages/statement';
import { href, useRoute, type Route } from './router';
import { loadSession, saveSession, type Session } from './session';

const NAV = [
  { path: 'agreements', label: 'Register' },
  { path: 'bodies', label: 'Forces and bodies' },
  { path: 'boards', label: 'Boards' },
  { path: 'alerts', label: 'Alerts' },
];

function describeSession(session: Session): string {
  const roles = session.roles.length ? session.roles.join(' and ') : 'no role of this service';
  return `${session.sub}: ${roles}${session.force ? ` of ${session.force}` : ''}`;
}

function Page({ route, session }: { route: Route; session: Session }) {
  const [section, id] = route.path;
  switch (section) {
    case undefined:
    case 'agreements':
      return id ? (
        <AgreementPage key={id} id={id} query={route.query} session={session} />
      ) : (
        <RegisterPage query={route.query} />
      );
    case 'bodies':
      return <BodyPage key={id ?? ''} id={id ?? null} query={route.query} />;
    case 'boards':
      return id ? <BoardPage key={id} id={id} query={route.query} session={session} /> : <BoardsPage />;
    case 'alerts':
      return <AlertsPage query={route.query} session={session} />;
    case 'statements':
      if (id) return <StatementPage key={id} id={id} query={route.query} />;
      return <BodyPage id={null} query={route.query} />;
    default:
      return (
        <>
          <h1 tabIndex={-1}>Page not found</h1>
          <p>
            There is no page here. Go to the <a href={href(['agreements'])}>register</a>.
          </p>
        </>
      );
  }
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session | null>(() => {
    const s = loadSession();
    setBearer(s?.token ?? null);
    return s;
  });
  const [notice, setNotice] = useState<string | null>(null);
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    whenUnauthorised((problem) => {
      saveSession(null);
      setBearer(null);
      setSession(null);
      setNotice(`Signed out: ${problem.detail}`);
    });
  }, []);

  // After navigation, move focus to the new page's heading so keyboard and screen-reader users start there.
  const where = `${route.path.join('/')}|${session ? 'in' : 'out'}`;
  const first = useRef(true);
  useEffect(() => {
    const section = route.path[0] ?? 'agreements';
    const label = NAV.find((n) => n.path === section)?.label ?? 'Page';
    const title = section === 'public' ? 'Published collaboration agreements' : session ? label : 'Sign in';
    document.title = `${title} – Collaboration governance tracker`;
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [where]);

  function signIn(next: Session) {
    saveSession(next);
    setBearer(next.token);
    setNotice(null);
    setSession(next);
  }

  function signOut() {
    saveSession(null);
    setBearer(null);
    setSession(null);
    setNotice('You are signed out.');
  }

  const section = route.path[0] ?? 'agreements';
  return (
    <>
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          main.current?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-title">
          <a href={href(['agreements'])}>Collaboration governance tracker</a>
        </div>
        {session ? (
          <div className="who">
            <span>
              Signed in as <strong>{describeSession(session)}</strong>
            </span>{' '}
            <button type="button" className="secondary" onClick={signOut}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      {session ? (
        <nav aria-label="Main" className="site-nav">
          <ul>
            {NAV.map((n) => (
              <li key={n.path}>
                <a href={href([n.path])} aria-current={section === n.path ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" ref={main} tabIndex={-1}>
        {section === 'public' ? (
          // The s23E register: open to everyone, signed in or not (it reads without a token).
          <PublicRegisterPage
            key={route.path[1] ?? ''}
            id={route.path[1] ?? null}
            query={route.query}
            signedIn={!!session}
          />
        ) : session ? (
          <Page route={route} session={session} />
        ) : (
          <SignInPage onSignedIn={signIn} notice={notice} />
        )}
      </main>
      <footer className="site-footer">
        <p>
          Every fact shown comes from the service&apos;s API (<a href="/docs">API documentation</a>). Dates are UK
          dates; money is in pounds sterling.
        </p>
      </footer>
    </>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
