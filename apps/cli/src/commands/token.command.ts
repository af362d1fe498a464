import { userInfo } from 'node:os';
import { AUTH_ROLES, parseDuration, type AuthRole } from '#config';
import { isBodySlug } from '#domain';
import { defaultTokenLifetime, issueToken } from '#platform';
import { UsageError, type CliCommand } from './cli-command.js';

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

export function parseTokenArgs(args: readonly string[]): TokenArgs {
  const roles: AuthRole[] = [];
  let force: string | null = null;
  let sub: string | null = null;
  let expiresIn: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    switch (flag) {
      case '--role':
      case '--roles':
        for (const role of value()
          .split(',')
          .map((r) => r.trim())
          .filter((r) => r !== '')) {
          if (!(AUTH_ROLES as readonly string[]).includes(role))
            throw new UsageError(`Unknown role "${role}": choose from ${AUTH_ROLES.join(', ')}.`);
          if (!roles.includes(role as AuthRole)) roles.push(role as AuthRole);
        }
        break;
      case '--force':
        force = value();
        if (!isBodySlug(force))
          throw new UsageError(`--force must be the slug of a body, such as thames-valley, not "${force}".`);
        break;
      case '--sub':
        sub = value();
        if (!/^[^\p{Cc}]{1,200}$/u.test(sub))
          throw new UsageError('--sub must be 1 to 200 characters without control characters.');
        break;
      case '--expires':
        expiresIn = value();
        if (parseDuration(expiresIn) === null)
          throw new UsageError(`--expires must be a duration such as 8h or 30m, not "${expiresIn}".`);
        break;
      default:
        throw new UsageError(`Unknown argument "${arg}".`);
    }
  }
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
export const tokenCommand: CliCommand = {
  name: 'token',
  usage: '--role <officer|auditor|admin>[,...] [--force <slug>] [--sub <name>] [--expires 8h]',
  summary: 'Print a bearer token for this service (signed with its shared or generated secret).',
  async run(args, io) {
    const request = parseTokenArgs(args);
    const token = await issueToken(io.config.auth, request);
    io.stdout.write(`${token}\n`);
    io.stderr.write(
      `Token for ${request.sub} (${request.roles.join(', ')}${request.force ? ` of ${request.force}` : ''}), valid for ${request.expiresIn ?? defaultTokenLifetime(io.config.auth)}. ` +
        'Send it as: Authorization: Bearer <token>\n',
    );
    return 0;
  },
};
