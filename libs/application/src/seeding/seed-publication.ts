import type { SeedAgreement, SeedFile, SeedSource } from './seed-file.js';

/*
 * s23E publication of the seed's agreements (docs/domain.md, "Publication"). The seeds are published documents:
 * a source with `publishedBy` is taken as that body's publication of the agreements it gives, on the source's
 * date, with the source's title as the reference (the seed holds no document links). Only a party publishes an
 * agreement, so an agreement is published through its first source whose publisher is one of its parties; with
 * none, it is not recorded as published. Each choice is an assumption the import prints.
 */

/** What the import sends as PublishAgreement for one agreement (also its fingerprint). */
export interface SeedPublication {
  agreementId: string;
  publishedBy: string;
  publishedOn: string;
  reference: string;
  occurredAt: string;
}

export interface SeedPublicationChoice {
  /** Null: the agreement is not recorded as published, for the reason the assumption gives. */
  publication: SeedPublication | null;
  assumption: string;
}

const named = (s: SeedSource): string => `source ${s.id} ("${s.title}")`;

/** The publication of one agreement of the file, or why there is none. Pure: the file alone decides it. */
export function seedPublicationOf(seed: SeedFile, agreement: SeedAgreement): SeedPublicationChoice {
  const sources = agreement.sources
    .map((id) => seed.sources.find((s) => s.id === id))
    .filter((s): s is SeedSource => s !== undefined && s.publishedBy !== null);
  const chosen = sources.find((s) => s.date !== null && agreement.parties.includes(s.publishedBy as string));
  if (!chosen) {
    return {
      publication: null,
      assumption:
        sources.length === 0
          ? 'Not recorded as published (s23E): none of its sources says which body published it.'
          : `Not recorded as published (s23E): no dated source of it is published by one of its parties (${sources
              .map((s) => `${s.id} by ${s.publishedBy}`)
              .join(', ')}), and only a party publishes an agreement.`,
    };
  }
  const publishedBy = chosen.publishedBy as string;
  const publishedOn = chosen.date as string;
  const passedOver = sources.slice(0, sources.indexOf(chosen));
  const because =
    passedOver.length === 0
      ? ''
      : ` (passing over ${passedOver
          .map(
            (s) =>
              `source ${s.id}: ${agreement.parties.includes(s.publishedBy as string) ? 'undated' : `${s.publishedBy} is not a party`}`,
          )
          .join('; ')})`;
  return {
    publication: {
      agreementId: agreement.id,
      publishedBy,
      publishedOn,
      reference: chosen.title,
      occurredAt: publishedOn,
    },
    assumption: `Published (s23E) by ${publishedBy} on ${publishedOn}${because}: ${named(chosen)} is taken as its publication, dated as the source, with the source's title as the reference (the file has no link).`,
  };
}
