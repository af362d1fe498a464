export { canonicalJson } from './canonical-json.js';
export { EVENT_HASH_VERSION, GENESIS_HASH, hashEvent, isHash } from './event-hash.js';
export { readChainHead, type ChainHead, type HashedEvent } from './chain-rows.js';
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
