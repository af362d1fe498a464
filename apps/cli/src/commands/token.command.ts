import { userInfo } from 'node:os';
import { AUTH_ROLES, parseDuration, type AuthRole } from '#config';
import { isBodySlug } from '#domain';
import { defaultTokenLifetime, issueToken } from '#platform';
import { UsageError, defineCommand, type CommandLine } from './cli-command.js';

interface TokenArgs {
  roles: AuthRole[];
  force: string | null;
  sub: string;
  /** Absent: the default lifetime (8 h, or AUTH_MAX_TOKEN_LIFETIME when shorter). */
  expiresIn?: string;
}

function defaultSub(): string {
  try {
    return userInfo().username || 'local-user';
  } catch {
    return 'local-user';
  }
}

const TOKEN_OPTIONS = {
  role: { type: 'string', multiple: true },
  roles: { type: 'string', multiple: true },
  force: { type: 'string' },
  sub: { type: 'string' },
  expires: { type: 'string' },
} as const;

const needsValue = (flag: string, value: string | undefined): string | undefined => {
  if (value === '') throw new UsageError(`--${flag} needs a value.`);
  return value;
};

/** Checks the parsed options of `token`: the roles, the body of an officer, the subject and the lifetime. */
export function tokenArgs(values: CommandLine<typeof TOKEN_OPTIONS>['values']): TokenArgs {
  const roles: AuthRole[] = [];
  for (const list of [...(values.role ?? []), ...(values.roles ?? [])]) {
    for (const role of (needsValue('role', list) ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter((r) => r !== '')) {
      if (!(AUTH_ROLES as readonly string[]).includes(role))
        throw new UsageError(`Unknown role "${role}": choose from ${AUTH_ROLES.join(', ')}.`);
      if (!roles.includes(role as AuthRole)) roles.push(role as AuthRole);
    }
  }
  const force = needsValue('force', values.force) ?? null;
  if (force !== null && !isBodySlug(force))
    throw new UsageError(`--force must be the slug of a body, such as thames-valley, not "${String(force)}".`);
  const sub = needsValue('sub', values.sub);
  if (sub !== undefined && !/^[^\p{Cc}]{1,200}$/u.test(sub))
    throw new UsageError('--sub must be 1 to 200 characters without control characters.');
  const expiresIn = needsValue('expires', values.expires);
  if (expiresIn !== undefined && parseDuration(expiresIn) === null)
    throw new UsageError(`--expires must be a duration such as 8h or 30m, not "${expiresIn}".`);
  if (roles.length === 0) throw new UsageError('Give at least one --role (officer, auditor, admin).');
  if (roles.includes('officer') && force === null)
    throw new UsageError('An officer acts for a body: add --force <slug>, e.g. --force thames-valley.');
  return { roles, force, sub: sub ?? defaultSub(), expiresIn };
}

/**
 * Prints a bearer token signed with the service's secret (AUTH_JWT_SECRET, or the one generated in
 * DATA_DIR/auth-secret by the embedded default), so a person trying the service locally is never
 * stuck. Only the token goes to stdout: `TOKEN=$(npm run --silent cli -- token --role admin)`.
 */
export const tokenCommand = defineCommand({
  name: 'token',
  usage: '--role <officer|auditor|admin>[,...] [--force <slug>] [--sub <name>] [--expires 8h]',
  summary: 'Print a bearer token for this service (signed with its shared or generated secret).',
  options: TOKEN_OPTIONS,
  optionHelp: {
    role: { value: '<role>[,...]', text: 'officer, auditor or admin; a list, or the option repeated.' },
    roles: { value: '<role>[,...]', text: 'The same as --role.' },
    force: { value: '<slug>', text: 'The body an officer acts for, e.g. thames-valley (required for an officer).' },
    sub: { value: '<name>', text: 'The subject named in the token (default: the local user name).' },
    expires: {
      value: '<duration>',
      text: 'How long the token lives, e.g. 8h or 30m (default 8 h, or AUTH_MAX_TOKEN_LIFETIME when shorter).',
    },
  },
  async run({ values }, io) {
    const request = tokenArgs(values);
    const token = await issueToken(io.config.auth, request);
    io.stdout.write(`${token}\n`);
    io.stderr.write(
      `Token for ${request.sub} (${request.roles.join(', ')}${request.force ? ` of ${request.force}` : ''}), valid for ${request.expiresIn ?? defaultTokenLifetime(io.config.auth)}. ` +
        'Send it as: Authorization: Bearer <token>\n',
    );
    return 0;
  },
});
