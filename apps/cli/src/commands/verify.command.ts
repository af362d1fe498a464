import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CheckpointConfig } from '#config';
import {
  CHAIN_KEPT_BY_SQL_ONLY,
  createEventStore,
  keyIdOf,
  parseReceipt,
  readAnchorFile,
  readPublicKey,
  verifyExport,
  verifyLog,
  verifyLogWithCheckpoints,
  type ChainBreak,
  type ExportVerification,
  type SignedCheckpoint,
} from '#event-store';
import { ProgressBar } from '../progress-bar.js';
import { UsageError, defineCommand } from './cli-command.js';

const numeric = (position: string | null): number | null =>
  position !== null && /^\d+$/.test(position) ? Number(position) : null;

export function describeBreak(broken: ChainBreak): string {
  return [
    `Chain BROKEN at position ${broken.position ?? 'unknown'}${broken.line === undefined ? '' : ` (line ${broken.line})`}: ${broken.reason}`,
    `  ${broken.detail}`,
    ...(broken.expected === null ? [] : [`  expected: ${broken.expected}`]),
    ...(broken.actual === null ? [] : [`  actual:   ${broken.actual}`]),
    `  ${broken.events} event(s) before it verified.`,
    '',
  ].join('\n');
}

const readText = async (file: string, what: string): Promise<string> => {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${file}: ${(error as Error).message}`);
  }
};

/** `--public-key`, else the configured key's public half; null when there is neither (nothing generated here). */
async function publicKeyFor(file: string | undefined, key: CheckpointConfig['key']): Promise<KeyObject | null> {
  const pem =
    file !== undefined
      ? await readText(file, 'public key')
      : key.source === 'env'
        ? key.pem
        : key.source === 'file'
          ? await readFile(key.file, 'utf8').catch(() => null)
          : null;
  if (pem === null) return null;
  try {
    return readPublicKey(pem);
  } catch (error) {
    throw new UsageError(
      `${file ?? 'the configured checkpoint key'} is not an Ed25519 key in PEM: ${(error as Error).message}`,
    );
  }
}

async function readReceipts(files: readonly string[]): Promise<SignedCheckpoint[]> {
  const receipts: SignedCheckpoint[] = [];
  for (const file of files) {
    const receipt = parseReceipt(await readText(file, 'receipt'));
    if (typeof receipt === 'string') throw new UsageError(`${file} is not a checkpoint receipt: ${receipt}`);
    receipts.push(receipt);
  }
  return receipts;
}

/**
 * Walks the hash chain of the live log (the configured database) or, with --file, of an export
 * offline. Exit code 0 when intact, 1 at the first break, naming its position.
 */
export const verifyCommand = defineCommand({
  name: 'verify',
  usage:
    '[--file <export.ndjson>] [--public-key <key.pem>] [--receipt <receipt.json>]... [--anchors <checkpoints.ndjson>]',
  summary:
    'Check the hash chain of the event log and its signed checkpoints (and receipts, anchor file), or of an export file offline; exit 1 naming the first broken position.',
  options: {
    file: { type: 'string' },
    'public-key': { type: 'string' },
    receipt: { type: 'string', multiple: true },
    anchors: { type: 'string' },
  },
  optionHelp: {
    file: { value: '<export.ndjson>', text: 'Check an export file offline instead of the live log.' },
    'public-key': {
      value: '<key.pem>',
      text: 'Verify signed checkpoints with this Ed25519 public key (default: the configured checkpoint key).',
    },
    receipt: { value: '<receipt.json>', text: 'A checkpoint receipt that must be found in the log; repeatable.' },
    anchors: { value: '<checkpoints.ndjson>', text: 'An anchor file of checkpoints that must be found in the log.' },
  },
  async run({ values }, io) {
    const { file, 'public-key': publicKeyFile, receipt: receiptFiles, anchors: anchorsFile } = values;
    if (file !== undefined && (receiptFiles !== undefined || anchorsFile !== undefined)) {
      throw new UsageError('--receipt and --anchors check the live log: they do not go with --file.');
    }
    const bar = new ProgressBar(io.stderr, 'verify');
    if (file !== undefined) {
      const result: ExportVerification = await verifyExport(file, { onProgress: (p) => bar.update(p.events, null) });
      bar.finish(result.events, null);
      if (!result.ok) {
        io.stdout.write(`${file}: ${describeBreak(result)}`);
        return 1;
      }
      const scope =
        result.scope === 'stream'
          ? `stream ${result.streamId}: ${result.events} events, every own hash and revision checked, ${result.linksChecked} link(s) between ` +
            'consecutive log positions checked (links through other streams need the whole log)'
          : `whole log: ${result.events} events, every hash and link checked`;
      io.stdout.write(
        `${file}: chain intact (${scope}); head position ${result.headPosition ?? 'none'}, head hash ${result.headHash}.\n`,
      );
      return 0;
    }

    if (io.config.eventStore !== 'sql') {
      io.stderr.write(`${CHAIN_KEPT_BY_SQL_ONLY}\n`);
      return 2;
    }
    const publicKey = await publicKeyFor(publicKeyFile, io.config.checkpoints.key);
    const receipts = await readReceipts(receiptFiles ?? []);
    if (publicKey === null && (receipts.length > 0 || anchorsFile !== undefined)) {
      throw new UsageError(
        '--receipt and --anchors need the public key: pass --public-key <file> (or configure CHECKPOINT_KEY_FILE).',
      );
    }
    let anchored;
    try {
      anchored = anchorsFile === undefined ? [] : await readAnchorFile(anchorsFile);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { db, close } = await createEventStore({ databaseUrl: io.config.databaseUrl, dataDir: io.config.dataDir });
    try {
      let total: number | null = null;
      const onProgress = (p: { events: number; headPosition: string | null }) => {
        total = numeric(p.headPosition);
        bar.update(p.events, total);
      };
      const checked = publicKey
        ? await verifyLogWithCheckpoints(db, { publicKey, receipts, anchored }, { onProgress })
        : null;
      const result = checked ?? (await verifyLog(db, { onProgress }));
      bar.finish(result.events, total);
      if (!result.ok) {
        io.stdout.write(describeBreak(result));
        return 1;
      }
      io.stdout.write(
        `Chain intact: ${result.events} events verified, head position ${result.headPosition ?? 'none'}, head hash ${result.headHash}.\n`,
      );
      if (result.chainVersion !== undefined) {
        io.stdout.write(
          `Chain version ${result.chainVersion}: every recorded re-chain checked (its replaced hashes, its ChainResealed event, and each re-chained event ` +
            'against the hash it had before, its envelopes opened)' +
            (result.unrecomputable
              ? `; ${result.unrecomputable} re-chained event(s) name a person erased since, so their hash before the re-chain cannot be recomputed (the checkpoints signed after the re-chain cover them).\n`
              : '.\n'),
        );
      }
      if (publicKey && checked) {
        io.stdout.write(
          `Signed checkpoints: ${checked.checkpoints} verified with key ${keyIdOf(publicKey)}` +
            (receipts.length > 0 ? ` (${receipts.length} receipt(s) among them, each found in the log)` : '') +
            `; signed through position ${checked.signedThrough ?? 'none'}. Events after it are protected by the hash chain alone.\n`,
        );
      } else {
        io.stdout.write(
          'No public key: signed checkpoints were not checked (pass --public-key). Record the head hash: a later verify must still ' +
            'reach it (the chain alone cannot show events rewritten with it recomputed, or cut off its end).\n',
        );
      }
      return 0;
    } finally {
      await close();
    }
  },
});
