import type { SqlExecutor } from '../sql-database.port.js';
import { readChainHead, readChainPage, readStreamChainPage, type HashedEvent } from './chain-rows.js';
import { EVENT_HASH_DESCRIPTION, EVENT_HASH_VERSION, GENESIS_HASH } from './event-hash.js';

export const EXPORT_FORMAT = 'governance-event-log';
export const EXPORT_FORMAT_VERSION = 1;

const LOG_NOTE =
  'Whole log in position order. Offline, every event hash is recomputed and every link checked from the genesis hash to headHash; ' +
  'a cut-off end shows against headHash. Keep headHash: a later export or GET /integrity must still contain it unchanged.';
const STREAM_NOTE =
  'One stream in revision order. Offline, each event hash is recomputed from its envelope and prevHash, revisions must run from 0 to ' +
  'lastRevision without a gap, and a link is checked only where two events of the stream are consecutive in the global log. ' +
  'The other links pass through events of other streams, which this file does not hold: to prove these events are the ones in the log, ' +
  'look their hashes up in a whole-log export that verifies, or run verify against the live log.';

/** The first line of an export file. */
export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_FORMAT_VERSION;
  /** How each hash is made (see event-hash.ts); `hashVersion` is the `v` member of the hashed object. */
  hash: typeof EVENT_HASH_DESCRIPTION;
  hashVersion: typeof EVENT_HASH_VERSION;
  genesisHash: string;
  scope: 'log' | 'stream';
  /** Stream exports only. */
  streamId?: string;
  /** Stream exports only: the stream's last revision the export holds (-1 when it has no event). */
  lastRevision?: number;
  exportedAt: string;
  /** The global log's last event when the export started; the export holds nothing after it. */
  headPosition: string | null;
  headHash: string | null;
  note: string;
}

/** One event line: the full envelope, then its chain hashes. */
export type ExportLine = HashedEvent;

export interface ExportOptions {
  /** One stream; absent: the whole log. */
  streamId?: string;
  /** Receives lines (each ending in a newline); awaited, so a file stream's back-pressure holds. */
  write: (text: string) => unknown;
  pageSize?: number;
  clock?: () => Date;
  onProgress?: (progress: { events: number; headPosition: string | null }) => void;
}

export interface ExportSummary {
  header: ExportHeader;
  events: number;
}

/** Writes the log (or one stream) with its hashes as NDJSON: a header line, then one line per event. */
export async function exportEvents(db: SqlExecutor, options: ExportOptions): Promise<ExportSummary> {
  const pageSize = options.pageSize ?? 1000;
  const head = await readChainHead(db);
  const upTo = head?.position ?? '0';
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    version: EXPORT_FORMAT_VERSION,
    hash: EVENT_HASH_DESCRIPTION,
    hashVersion: EVENT_HASH_VERSION,
    genesisHash: GENESIS_HASH,
    scope: options.streamId === undefined ? 'log' : 'stream',
    exportedAt: (options.clock ?? (() => new Date()))().toISOString(),
    headPosition: head?.position ?? null,
    headHash: head?.hash ?? null,
    note: options.streamId === undefined ? LOG_NOTE : STREAM_NOTE,
  };
  const streamId = options.streamId;
  if (streamId !== undefined) {
    const { rows } = await db.query<{ revision: number | null }>(
      'SELECT max(revision) AS revision FROM events WHERE stream_id = $1 AND position <= $2',
      [streamId, upTo],
    );
    const last = rows[0]?.revision;
    header.streamId = streamId;
    header.lastRevision = last === null || last === undefined ? -1 : Number(last);
  }
  await options.write(`${JSON.stringify(header)}\n`);

  let events = 0;
  let afterPosition = '0';
  let afterRevision = -1;
  for (;;) {
    const page =
      streamId === undefined
        ? await readChainPage(db, afterPosition, upTo, pageSize)
        : await readStreamChainPage(db, streamId, afterRevision, upTo, pageSize);
    const newest = page.at(-1);
    if (newest) {
      const lines = page.map(
        ({ millisecondExact: _exact, ...event }) => `${JSON.stringify(event satisfies ExportLine)}\n`,
      );
      await options.write(lines.join(''));
      events += page.length;
      afterPosition = String(newest.position);
      afterRevision = newest.revision;
    }
    options.onProgress?.({ events, headPosition: header.headPosition });
    if (page.length < pageSize) break;
  }
  return { header, events };
}
