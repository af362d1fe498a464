import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigurationError, type AppConfig, type AuthConfig } from '#config';

/** 256 bits, as RFC 7518 §3.2 asks of an HS256 key. */
const SECRET_BYTES = 32;

async function readSecretFile(file: string): Promise<Uint8Array | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length < SECRET_BYTES) {
    throw new ConfigurationError([
      `The auth secret in ${file} is shorter than ${SECRET_BYTES} bytes: delete the file to have a new one generated.`,
    ]);
  }
  return new Uint8Array(key);
}

/**
 * The HS256 key of the embedded default: read from `file`, or generated there (mode 0600) on first
 * use. The API and the CLI's `token` command share it, so a token printed by the CLI is accepted by
 * a service started on the same DATA_DIR. Two processes racing to create it both end up with the
 * file that won (`wx` fails for the loser, which then reads it).
 */
export async function loadOrCreateSecret(file: string): Promise<Uint8Array> {
  const existing = await readSecretFile(file);
  if (existing) return existing;
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, `${randomBytes(SECRET_BYTES).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return (await readSecretFile(file)) as Uint8Array;
}

/** The HS256 key for the `secret` and `generated` modes; null for `jwks` (the identity provider signs). */
export async function hmacKeyOf(auth: AuthConfig): Promise<Uint8Array | null> {
  switch (auth.mode) {
    case 'secret':
      return new TextEncoder().encode(auth.secret);
    case 'generated':
      return loadOrCreateSecret(auth.secretFile);
    case 'jwks':
      return null;
    case 'unconfigured':
      throw new ConfigurationError([auth.reason]);
    default: {
      const _exhaustive: never = auth;
      return _exhaustive;
    }
  }
}

/** The secret person keys are looked up by: PERSONAL_DATA_SECRET, or the one generated in its file. */
export async function personalDataSecretOf(config: Pick<AppConfig, 'personalData'>): Promise<Uint8Array> {
  const { personalData } = config;
  return personalData.mode === 'secret'
    ? new TextEncoder().encode(personalData.secret)
    : loadOrCreateSecret(personalData.secretFile);
}
