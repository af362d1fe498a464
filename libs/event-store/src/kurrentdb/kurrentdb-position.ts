import { InvalidPositionError } from '../errors.js';
import type { Position } from '../event-store.port.js';

/** KurrentDB's `$all` position: the log positions of the commit record and of the event's prepare record. */
export interface KurrentDbLogPosition {
  commit: bigint;
  prepare: bigint;
}

const MAX_U64 = 2n ** 64n - 1n;
const HEX_WIDTH = 16;
/** `<commit>/<prepare>`, each 16 lowercase hex digits (both are unsigned 64-bit integers). */
const POSITION_TEXT = /^([0-9a-f]{16})\/([0-9a-f]{16})$/;

const isU64 = (value: unknown): value is bigint => typeof value === 'bigint' && value >= 0n && value <= MAX_U64;

/**
 * Encodes a commit/prepare pair as an opaque port Position. Fixed-width hex keeps the text
 * order equal to the (commit, prepare) order, so a checkpoint kept as `text COLLATE "C"` sorts
 * correctly; the pair is not squeezed into one number because it is not one.
 */
export function encodeKurrentDbPosition(position: KurrentDbLogPosition): Position {
  if (!isU64(position.commit) || !isU64(position.prepare)) {
    throw new RangeError(`Not a KurrentDB log position: ${String(position.commit)}/${String(position.prepare)}.`);
  }
  const hex = (n: bigint) => n.toString(16).padStart(HEX_WIDTH, '0');
  return `${hex(position.commit)}/${hex(position.prepare)}` as Position;
}

/** Parses a position written by `encodeKurrentDbPosition` (hex digits in either case); throws InvalidPositionError. */
export function decodeKurrentDbPosition(text: string): KurrentDbLogPosition {
  const match = typeof text === 'string' ? POSITION_TEXT.exec(text.toLowerCase()) : null;
  if (!match) throw new InvalidPositionError(String(text));
  return { commit: BigInt(`0x${match[1]}`), prepare: BigInt(`0x${match[2]}`) };
}

/** The canonical text of a position given by a user. */
export function parseKurrentDbPosition(text: string): Position {
  return encodeKurrentDbPosition(decodeKurrentDbPosition(text));
}

/** `$all` order: by commit position, then by prepare position (events of one transaction share a commit). */
export function compareLogPositions(a: KurrentDbLogPosition, b: KurrentDbLogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function compareKurrentDbPositions(a: Position, b: Position): number {
  return compareLogPositions(decodeKurrentDbPosition(a), decodeKurrentDbPosition(b));
}
