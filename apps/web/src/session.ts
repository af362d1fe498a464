/** Who is signed in: the token, kept for this browser tab only, and the claims it carries. */

export type Role = 'officer' | 'auditor' | 'admin';

export interface Session {
  token: string;
  sub: string;
  roles: Role[];
  force: string | null;
  /** Seconds since the epoch. */
  expiresAt: number | null;
}

const KEY = 'governance-tracker.token';

function decodePart(part: string): unknown {
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * Reads the claims to show who you are and to hide what your role may not do. The page does not
 * verify the signature: the API does, on every request, and refuses what the token does not allow.
 */
export function sessionOf(token: string): Session | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = decodePart(parts[1] as string) as { sub?: unknown; roles?: unknown; force?: unknown; exp?: unknown };
    const roles = Array.isArray(claims.roles)
      ? claims.roles.filter((r): r is Role => r === 'officer' || r === 'auditor' || r === 'admin')
      : [];
    return {
      token: token.trim(),
      sub: typeof claims.sub === 'string' ? claims.sub : 'unknown',
      roles,
      force: typeof claims.force === 'string' ? claims.force : null,
      expiresAt: typeof claims.exp === 'number' ? claims.exp : null,
    };
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  const session = token ? sessionOf(token) : null;
  if (session && session.expiresAt !== null && session.expiresAt * 1000 < Date.now()) return null;
  return session;
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, session.token);
  else sessionStorage.removeItem(KEY);
}

/** Officers and administrators record facts; auditors read and verify. */
export const canWrite = (session: Session | null): boolean =>
  !!session && (session.roles.includes('officer') || session.roles.includes('admin'));
