import { Controller, Get, Inject, NotFoundException, NotImplementedException } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiNotImplementedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { AppConfig } from '#config';
import {
  CHAIN_KEPT_BY_SQL_ONLY,
  checkpointSignatureValid,
  latestCheckpoint,
  RECEIPT_FORMAT,
  SqlDatabase,
  toReceipt,
  verifyLog,
  verifyLogWithCheckpoints,
  type CheckpointReceipt,
} from '#event-store';
import { CheckpointKeys } from '#messaging';
import { APP_CONFIG } from '#platform';

export class IntegrityReportDto {
  @ApiProperty({ description: 'True when every event matches its hash and links to the one before it.' })
  ok!: boolean;
  @ApiPropertyOptional({ description: 'Events verified (intact log).' })
  events?: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Last position verified (intact log).' })
  headPosition?: string | null;
  @ApiPropertyOptional({
    description: 'Hash of the last event: record it; a later check must still reach it unchanged.',
  })
  headHash?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'First position where the chain breaks.' })
  brokenAt?: string | null;
  @ApiPropertyOptional({
    enum: [
      'hash-mismatch',
      'broken-link',
      'missing-hash',
      'out-of-order',
      'bad-checkpoint',
      'conflicting-checkpoints',
      'missing-checkpoint',
      'rewritten',
      'missing-event',
      'unsigned-event',
      'truncated',
    ],
    description:
      'hash-mismatch: the event was edited or moved; broken-link: an event before it was deleted or inserted; missing-hash: written around the store; ' +
      'rewritten, missing-event, unsigned-event, truncated: the log differs from what a signed checkpoint signed (edited with the chain recomputed, ' +
      'deleted and relinked, inserted, cut off); bad-, missing-, conflicting-checkpoints: the checkpoints themselves were tampered with (docs/integrity.md).',
  })
  reason?: string;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) expected?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) actual?: string | null;
  @ApiPropertyOptional({ description: 'Events verified before the break.' })
  eventsVerified?: number;
  @ApiPropertyOptional({
    description: 'Signed checkpoints verified with the service key (absent when no key is configured).',
  })
  checkpoints?: number;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The last signed position; later events are protected by the chain alone.',
  })
  signedThrough?: string | null;
}

export class CheckpointReceiptDto implements CheckpointReceipt {
  @ApiProperty({ enum: [RECEIPT_FORMAT] }) format!: typeof RECEIPT_FORMAT;
  @ApiProperty({ enum: [1] }) v!: 1;
  @ApiProperty({ description: 'Log position of the signed head.' }) position!: string;
  @ApiProperty({ description: 'Hash of the event at that position.' }) headHash!: string;
  @ApiProperty({ description: 'When the service signed it (ISO 8601 UTC).' }) signedAt!: string;
  @ApiProperty({ description: 'SHA-256 (hex) of the public key (SPKI DER) that verifies the signature.' })
  keyId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The checkpoint before this one.' }) previousPosition!:
    string | null;
  @ApiProperty({ description: 'SHA-256 of the position and hash of every event since the previous checkpoint.' })
  entriesDigest!: string;
  @ApiProperty({
    description: 'Ed25519 signature (base64) of the canonical JSON of the fields above (docs/integrity.md).',
  })
  signature!: string;
  @ApiProperty({ description: 'The public key (SPKI PEM), for convenience: verify with the copy you trust.' })
  publicKey!: string;
}

/**
 * Tamper evidence for auditors: walks the hash chain of the whole log, and with the service's key
 * its signed checkpoints, and reports (200 either way) that it is intact, or the first position
 * where it breaks.
 */
@ApiTags('audit trail')
@Controller('integrity')
export class IntegrityController {
  constructor(
    private readonly db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: CheckpointKeys,
  ) {}

  @Get('checkpoint')
  @ApiOperation({
    summary:
      'The latest signed checkpoint of the hash chain, as a receipt to keep: `cli verify --receipt` later proves the log still holds it.',
  })
  @ApiOkResponse({ type: CheckpointReceiptDto })
  @ApiNotFoundResponse({ description: 'Nothing signed yet, or no checkpoint key is configured.' })
  @ApiNotImplementedResponse({
    description: 'Events are kept in KurrentDB (EVENT_STORE=kurrentdb), which has no hash chain.',
  })
  async checkpoint(): Promise<CheckpointReceiptDto> {
    if (this.config.eventStore !== 'sql') throw new NotImplementedException(CHAIN_KEPT_BY_SQL_ONLY);
    const signer = this.keys.signer;
    if (!signer)
      throw new NotFoundException(
        'No checkpoint key is configured (CHECKPOINT_KEY_FILE or CHECKPOINT_PRIVATE_KEY), so nothing is signed.',
      );
    const latest = await latestCheckpoint(this.db);
    if (!latest)
      throw new NotFoundException(
        'No checkpoint has been signed yet: the service signs one shortly after the first events.',
      );
    // A row anyone with database access could have written is never handed out as a receipt.
    if (!checkpointSignatureValid(latest, signer.publicKey)) {
      throw new NotFoundException(
        `The latest checkpoint in the database (position ${latest.position}) does not verify with key ${signer.keyId}: run cli verify.`,
      );
    }
    return toReceipt(latest, signer.publicKey);
  }

  @Get()
  @ApiOperation({ summary: 'Verify the hash chain of the event log (auditors); names the first broken position.' })
  @ApiOkResponse({ type: IntegrityReportDto })
  @ApiNotImplementedResponse({
    description: 'Events are kept in KurrentDB (EVENT_STORE=kurrentdb), which has no hash chain.',
  })
  async check(): Promise<IntegrityReportDto> {
    if (this.config.eventStore !== 'sql') throw new NotImplementedException(CHAIN_KEPT_BY_SQL_ONLY);
    const signer = this.keys.signer;
    const checked = signer ? await verifyLogWithCheckpoints(this.db, { publicKey: signer.publicKey }) : null;
    const result = checked ?? (await verifyLog(this.db));
    const signed = checked ? { checkpoints: checked.checkpoints, signedThrough: checked.signedThrough } : {};
    if (result.ok) {
      return {
        ok: true,
        events: result.events,
        headPosition: result.headPosition,
        headHash: result.headHash,
        ...signed,
      };
    }
    return {
      ok: false,
      brokenAt: result.position,
      reason: result.reason,
      detail: result.detail,
      expected: result.expected,
      actual: result.actual,
      eventsVerified: result.events,
      ...signed,
    };
  }
}
