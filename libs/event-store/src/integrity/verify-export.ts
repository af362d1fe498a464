import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Position } from '../event-store.port.js';
import type { HashedEvent } from './chain-rows.js';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, type ExportHeader } from './export-log.js';
import { GENESIS_HASH } from './event-hash.js';
import {
  ChainVerifier,
  checkOwnHash,
  type ChainFault,
  type ChainVerification,
  type VerifyProgress,
} from './verify-chain.js';

export type ExportVerification = ChainVerification & {
  scope: 'log' | 'stream' | null;
  streamId?: string;
  /** Stream exports: links checked (events of the stream consecutive in the global log). */
  linksChecked?: number;
};

const isString = (v: unknown): v is string => typeof v === 'string';
const isWhole = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The event of one line, or what is wrong with it. */
function parseLine(text: string): HashedEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  const problems = [
    !(isString(e.position) && /^\d{1,19}$/.test(e.position)) && 'position',
    !isString(e.eventId) && 'eventId',
    !isString(e.type) && 'type',
    !isString(e.streamId) && 'streamId',
    !isWhole(e.revision) && 'revision',
    !isWhole(e.schemaVersion) && 'schemaVersion',
    !isString(e.occurredAt) && 'occurredAt',
    !isString(e.recordedAt) && 'recordedAt',
    !isString(e.actor) && 'actor',
    !isString(e.correlationId) && 'correlationId',
    !(e.causationId === null || isString(e.causationId)) && 'causationId',
    !('data' in e) && 'data',
    !(e.hash === null || isString(e.hash)) && 'hash',
    !(e.prevHash === null || isString(e.prevHash)) && 'prevHash',
  ].filter(Boolean);
  if (problems.length > 0) return `missing or invalid ${problems.join(', ')}`;
  return {
    eventId: e.eventId as string,
    type: e.type as string,
    streamId: e.streamId as string,
    revision: e.revision as number,
    position: e.position as Position,
    schemaVersion: e.schemaVersion as number,
    occurredAt: e.occurredAt as string,
    recordedAt: e.recordedAt as string,
    actor: e.actor as string,
    correlationId: e.correlationId as string,
    causationId: e.causationId as string | null,
    data: e.data,
    hash: e.hash as string | null,
    prevHash: e.prevHash as string | null,
  };
}

function parseHeader(text: string): ExportHeader | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the first line is not JSON';
  }
  const h = value as Partial<ExportHeader> | null;
  if (typeof h !== 'object' || h === null || h.format !== EXPORT_FORMAT)
    return `the first line is not a ${EXPORT_FORMAT} header`;
  if (h.version !== EXPORT_FORMAT_VERSION) {
    return `export format version ${String(h.version)} is not supported (only ${EXPORT_FORMAT_VERSION})`;
  }
  if (h.scope !== 'log' && h.scope !== 'stream') return 'the header has no scope (log or stream)';
  if (h.scope === 'stream' && (!isString(h.streamId) || !Number.isSafeInteger(h.lastRevision))) {
    return 'a stream export header needs streamId and lastRevision';
  }
  if (h.genesisHash !== GENESIS_HASH) return 'the header names another genesis hash';
  return h as ExportHeader;
}

function checkStreamEvent(header: ExportHeader, previous: HashedEvent | null, event: HashedEvent): ChainFault | null {
  const position = String(event.position);
  if (event.streamId !== header.streamId) {
    return {
      position,
      reason: 'malformed',
      expected: header.streamId ?? null,
      actual: event.streamId,
      detail: `the event at position ${position} belongs to another stream`,
    };
  }
  const expectedRevision = previous === null ? 0 : previous.revision + 1;
  if (event.revision !== expectedRevision) {
    return {
      position,
      reason: 'revision-gap',
      expected: `revision ${expectedRevision}`,
      actual: `revision ${event.revision}`,
      detail: `revision ${expectedRevision} of ${event.streamId} is missing before position ${position}`,
    };
  }
  if (
    (previous !== null && BigInt(position) <= BigInt(previous.position)) ||
    (header.headPosition !== null && BigInt(position) > BigInt(header.headPosition))
  ) {
    return {
      position,
      reason: 'out-of-order',
      expected: `a position after ${previous?.position ?? 0} and up to ${header.headPosition}`,
      actual: position,
      detail: `revision ${event.revision} of ${event.streamId} is at position ${position}, out of order`,
    };
  }
  return checkOwnHash(event);
}

/**
 * Verifies an export file offline (no database). A whole-log export is checked like the live log,
 * from the genesis hash to the header's head. A stream export can only be checked for each event's
 * own hash, complete revisions, and the links between its events that were consecutive in the log
 * (see the header's note).
 */
export async function verifyExport(
  path: string,
  options: { onProgress?: (progress: VerifyProgress) => void; progressEvery?: number } = {},
): Promise<ExportVerification> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const every = options.progressEvery ?? 1000;
  let header: ExportHeader | null = null;
  let lineNumber = 0;
  const chain = new ChainVerifier();
  let streamPrevious: HashedEvent | null = null;
  let streamEvents = 0;
  let linksChecked = 0;
  const broken = (fault: ChainFault): ExportVerification => ({
    ok: false,
    ...fault,
    events: header?.scope === 'stream' ? streamEvents : chain.events,
    line: lineNumber,
    scope: header?.scope ?? null,
    ...(header?.streamId === undefined ? {} : { streamId: header.streamId }),
  });
  try {
    for await (const text of lines) {
      lineNumber++;
      if (header === null) {
        const parsed = parseHeader(text);
        if (typeof parsed === 'string') {
          return broken({
            position: null,
            reason: 'malformed',
            expected: 'an export header',
            actual: null,
            detail: parsed,
          });
        }
        header = parsed;
        continue;
      }
      if (text.trim() === '') continue;
      const event = parseLine(text);
      if (typeof event === 'string') {
        return broken({
          position: null,
          reason: 'malformed',
          expected: 'an event line',
          actual: null,
          detail: `line ${lineNumber}: ${event}`,
        });
      }
      if (header.scope === 'log') {
        const fault = chain.check(event);
        if (fault) return broken(fault);
      } else {
        const fault = checkStreamEvent(header, streamPrevious, event);
        if (fault) return broken(fault);
        if (streamPrevious && event.prevHash === streamPrevious.hash) linksChecked++;
        streamPrevious = event;
        streamEvents++;
      }
      const done = header.scope === 'log' ? chain.events : streamEvents;
      if (done % every === 0) options.onProgress?.({ events: done, position: event.position, headPosition: null });
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (header === null) {
    return broken({
      position: null,
      reason: 'malformed',
      expected: 'an export header',
      actual: null,
      detail: 'the file is empty',
    });
  }
  if (header.scope === 'log') {
    const lastPosition = chain.lastPosition;
    if (lastPosition !== header.headPosition || (lastPosition !== null && chain.headHash !== header.headHash)) {
      return broken({
        position: header.headPosition,
        reason: 'head-mismatch',
        expected: `position ${header.headPosition ?? 'none'}, hash ${header.headHash ?? 'none'}`,
        actual: `position ${lastPosition ?? 'none'}, hash ${chain.headHash}`,
        detail: `the file ends at position ${lastPosition ?? 'none'}, not at the head its header names (${header.headPosition}): events were cut off its end`,
      });
    }
    return { ok: true, events: chain.events, headPosition: lastPosition, headHash: chain.headHash, scope: 'log' };
  }
  const lastRevision = streamPrevious?.revision ?? -1;
  if (lastRevision !== header.lastRevision) {
    return broken({
      position: streamPrevious === null ? null : String(streamPrevious.position),
      reason: 'head-mismatch',
      expected: `revision ${header.lastRevision}`,
      actual: `revision ${lastRevision}`,
      detail: `the file ends at revision ${lastRevision} of ${header.streamId}, its header says ${header.lastRevision}: events were cut off its end`,
    });
  }
  return {
    ok: true,
    events: streamEvents,
    headPosition: streamPrevious === null ? null : String(streamPrevious.position),
    headHash: streamPrevious?.hash ?? GENESIS_HASH,
    scope: 'stream',
    streamId: header.streamId,
    linksChecked,
  };
}
