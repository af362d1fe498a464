/**
 * The hash chain lives in the SQL adapter's events table. With events in KurrentDB that table is
 * empty, and "intact, 0 events" would mislead an auditor: the API and the CLI refuse with this.
 */
export const CHAIN_KEPT_BY_SQL_ONLY =
  'The hash chain is kept by the SQL event store only; with EVENT_STORE=kurrentdb the events are not hash-chained, so there is nothing to verify or export here (see docs/operations.md, "KurrentDB as the event store").';

export { canonicalJson } from './canonical-json.js';
export { EVENT_HASH_VERSION, GENESIS_HASH, hashEvent, isHash } from './event-hash.js';
export { readChainHead, readChainPage, type ChainHead, type ChainRow, type HashedEvent } from './chain-rows.js';
export {
  ChainVerifier,
  checkOwnHash,
  verifyLog,
  type ChainBreak,
  type ChainBreakReason,
  type ChainOk,
  type ChainVerification,
  type VerifyLogOptions,
  type VerifyProgress,
  type EventCheck,
  type ChainFault,
} from './verify-chain.js';
export {
  exportEvents,
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  type ExportHeader,
  type ExportLine,
  type ExportOptions,
  type ExportSummary,
} from './export-log.js';
export { verifyExport, type ExportVerification } from './verify-export.js';
export * from './checkpoints/checkpoint.js';
export {
  CheckpointSigner,
  checkpointSignerFor,
  Ed25519CheckpointSigner,
  loadOrCreateCheckpointKey,
  publicKeyFileOf,
  type CheckpointKeySource,
} from './checkpoints/checkpoint-signer.js';
export { latestCheckpoint, listCheckpoints } from './checkpoints/checkpoint-table.js';
export {
  CheckpointAnchor,
  Checkpointer,
  CheckpointRefusedError,
  CHECKPOINT_LOCK_KEY,
  FileCheckpointAnchor,
  type CheckpointerOptions,
} from './checkpoints/checkpointer.js';
export {
  parseReceipt,
  readAnchorFile,
  verifyLogWithCheckpoints,
  type CheckpointedVerification,
  type CheckpointSources,
} from './checkpoints/verify-checkpoints.js';
export {
  CHAIN_RESEALED,
  ChainHistory,
  INTEGRITY_STREAM_ID,
  type ChainResealedData,
  type ChainVersion,
} from './reseal/chain-history.js';
export {
  resealPersonalData,
  ResealRefusedError,
  type ResealOptions,
  type ResealResult,
} from './reseal/reseal-personal-data.js';
