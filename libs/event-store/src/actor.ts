/**
 * Who recorded an event, as the envelope's `actor` holds it. The column stays text (the hash chain
 * is computed over the stored text), and new events store the canonical JSON of this structure, so
 * a `sub` containing `:` or `(` can no longer be mistaken for a role or a force. Events recorded
 * before keep their text as it is (never rewritten): reads parse it best-effort and mark it legacy.
 */
export type ActorKind = 'admin' | 'officer' | 'auditor' | 'system';

export interface Actor {
  /** The role a person's write was allowed under, or `system` for the service's own processes. */
  kind: ActorKind;
  /** The person (the token's `sub`), or the process (`compliance`, `import`). */
  sub: string;
  /** The body an officer acts for (the token's `force`); null otherwise. */
  force: string | null;
  /** Who issued the person's token (`iss`); null for the service's own processes. */
  issuer: string | null;
  /** What a system process worked from (the seed file an import read); absent otherwise. */
  source?: string;
}

/** An actor as reads return it: `legacyText` (the stored text) marks one parsed from before the structure. */
export interface ReadActor extends Omit<Actor, 'kind'> {
  /** `unknown` only for legacy text that names no kind. */
  kind: ActorKind | 'unknown';
  legacyText?: string;
}

const KINDS: readonly string[] = ['admin', 'officer', 'auditor', 'system'];

/** The text stored for an actor: JSON with sorted keys, so the same actor is always the same bytes. */
export function actorText(actor: Actor): string {
  const { force, issuer, kind, source, sub } = actor;
  return JSON.stringify({ force, issuer, kind, ...(source === undefined ? {} : { source }), sub });
}

const isStructured = (value: unknown): value is Actor => {
  const a = value as Partial<Actor> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof a.kind === 'string' &&
    KINDS.includes(a.kind) &&
    typeof a.sub === 'string' &&
    (a.force === null || typeof a.force === 'string') &&
    (a.issuer === null || typeof a.issuer === 'string') &&
    (a.source === undefined || typeof a.source === 'string')
  );
};

/** The legacy shape: `<kind>:<sub>`, then ` (<force or source>)` when there was one. */
const LEGACY = /^(admin|officer|auditor|system):(.+?)(?: \(([^()]*)\))?$/s;

/** The stored text read back: the structure, or legacy text parsed as well as it can be. */
export function parseActor(text: string): ReadActor {
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isStructured(parsed)) return parsed;
    } catch {
      // Not JSON after all: legacy text that happens to start with a brace.
    }
  }
  const match = LEGACY.exec(text);
  if (!match) return { kind: 'unknown', sub: text, force: null, issuer: null, legacyText: text };
  const [, kind, sub, inBrackets] = match as unknown as [string, ActorKind, string, string | undefined];
  const system = kind === 'system';
  return {
    kind,
    sub,
    force: system ? null : (inBrackets ?? null),
    issuer: null,
    ...(system && inBrackets !== undefined ? { source: inBrackets } : {}),
    legacyText: text,
  };
}

/** For people (the web page, the import summary, the read models): legacy text exactly as stored. */
export function actorDisplay(actor: ReadActor): string {
  if (actor.legacyText !== undefined) return actor.legacyText;
  const detail = actor.force ?? actor.source;
  return `${actor.kind}:${actor.sub}${detail === undefined || detail === null ? '' : ` (${detail})`}`;
}

/** Display text straight from the stored text. */
export const displayActorText = (text: string): string => actorDisplay(parseActor(text));
