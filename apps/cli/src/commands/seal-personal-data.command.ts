import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { CheckpointConfig } from '#config';
import {
  actorText,
  CHAIN_KEPT_BY_SQL_ONLY,
  createEventStore,
  readPublicKey,
  resealPersonalData,
  ResealRefusedError,
  verifyLog,
  verifyLogWithCheckpoints,
  type SqlExecutor,
} from '#event-store';
import { personalDataSecretOf } from '#platform';
import { describeBreak } from './verify.command.js';
import { UsageError, defineCommand } from './cli-command.js';

function localUser(): string {
  try {
    return userInfo().username || 'local-user';
  } catch {
    return 'local-user';
  }
}

/** The configured checkpoint key's public half, or null (then the chain alone is verified). */
async function configuredPublicKey(key: CheckpointConfig['key']): Promise<KeyObject | null> {
  const pem =
    key.source === 'env' ? key.pem : key.source === 'file' ? await readFile(key.file, 'utf8').catch(() => null) : null;
  return pem === null ? null : readPublicKey(pem);
}

/**
 * Seals the personal fields of events written before they were encrypted (docs/integrity.md,
 * "Re-chains"; docs/operations.md): verifies the chain, rewrites those fields into envelopes,
 * recomputes the hash chain from the first changed event under a new recorded chain version,
 * records ChainResealed and verifies again, all in one transaction. A second run changes nothing.
 */
export const sealPersonalDataCommand = defineCommand({
  name: 'seal-personal-data',
  usage: '--reason "<why>" [--public-key <key.pem>] [--dry-run]',
  summary:
    'Encrypt the names that events written before personal data was encrypted hold in the clear (a recorded re-chain, verified before and after).',
  options: {
    reason: { type: 'string' },
    'public-key': { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  optionHelp: {
    reason: { value: '<why>', text: 'Why, recorded in chain_versions and the ChainResealed event.' },
    'public-key': {
      value: '<key.pem>',
      text: 'Verify the signed checkpoints before and after with this Ed25519 public key (default: the configured checkpoint key).',
    },
    'dry-run': { text: 'Do everything, report it, and roll it back.' },
  },
  async run({ values }, io) {
    const reason = values.reason?.trim() ?? '';
    if (reason === '' || reason.length > 500) throw new UsageError('--reason needs a reason (1 to 500 characters).');
    if (io.config.eventStore !== 'sql') {
      io.stderr.write(`${CHAIN_KEPT_BY_SQL_ONLY}\n`);
      return 2;
    }
    let publicKey: KeyObject | null;
    try {
      publicKey =
        values['public-key'] !== undefined
          ? readPublicKey(await readFile(values['public-key'], 'utf8'))
          : await configuredPublicKey(io.config.checkpoints.key);
    } catch (error) {
      throw new UsageError(`the public key is not readable as Ed25519 PEM: ${(error as Error).message}`);
    }
    const { db, personKeys, close } = await createEventStore({
      databaseUrl: io.config.databaseUrl,
      dataDir: io.config.dataDir,
      personalDataSecret: await personalDataSecretOf(io.config),
    });
    const dryRun = values['dry-run'] === true;
    const verify = (tx: SqlExecutor) => (publicKey ? verifyLogWithCheckpoints(tx, { publicKey }) : verifyLog(tx));
    try {
      const actor = actorText({
        kind: 'system',
        sub: 'seal-personal-data',
        force: null,
        issuer: null,
        source: localUser(),
      });
      let report: string | null = null;
      try {
        const result = await resealPersonalData(db, {
          keys: personKeys,
          reason,
          actor,
          now: new Date(),
          verify,
          rollback: dryRun,
        });
        report = result.resealed
          ? `re-chained to chain version ${result.chainVersion}: ${result.changed} event(s) sealed, ${result.rehashed} rehashed ` +
            `(positions ${result.fromPosition} to ${result.throughPosition}); old head hash ${result.previousHeadHash}, ` +
            `new head hash ${result.newHeadHash}; recorded as ChainResealed at position ${result.eventPosition}. ` +
            `Verified before and after${publicKey ? ' with the signed checkpoints' : ' (the chain alone: no public key)'}.\n` +
            'Hand auditors a new receipt once the checkpointer has signed it (GET /integrity/checkpoint).\n'
          : `nothing to seal: every personal field is already an envelope (chain version ${result.chainVersion}, ${result.events} events verified).\n`;
      } catch (error) {
        if (error instanceof ResealRefusedError) {
          io.stdout.write(`seal-personal-data refused (${error.stage} the re-chain): ${describeBreak(error.broken)}`);
          return 1;
        }
        throw error;
      }
      io.stdout.write(dryRun ? `dry run, rolled back: ${report}` : report);
      return 0;
    } finally {
      await close();
    }
  },
});
