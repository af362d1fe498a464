import { capacitySentence } from '#domain';
import type { EventStore, SqlExecutor } from '#event-store';
import {
  collaborationsDuring,
  endPrecision,
  startPrecision,
  type Collaboration,
} from '../membership/membership.queries.js';
import { agreementAsOf, type AgreementView } from './agreement-as-of.js';

/**
 * A body's membership intervals overlapping `from`–`to` as the record stood at `knownAt` (transaction time): the
 * membership read model names the candidates (every agreement the body was ever recorded a member of), and each is
 * replayed from its own stream to `knownAt` through the read models' own folds (agreement-as-of.ts), so an
 * interval recorded later is absent and one recorded but later corrected reads as it was. Ordered as
 * `collaborationsDuring` answers: by title, then agreement id, then start. `replayed` shares replays between
 * callers that ask about several bodies or periods. An interval counts from the first day it may have begun and up
 * to the day by which it surely had ended (issue 15), as `collaborationsDuring` counts it: its answers say "not
 * known" inside those windows (GET /bodies/:id/collaborations, the governance statement).
 */
export async function collaborationsKnownAt(
  db: SqlExecutor,
  store: Pick<EventStore, 'readStream'>,
  bodyId: string,
  { from, to, knownAt }: { from: string; to: string; knownAt: string },
  replayed: (agreementId: string) => Promise<AgreementView | null> = (agreementId) =>
    agreementAsOf(store, agreementId, { knownAt }),
): Promise<Collaboration[]> {
  const ever = await collaborationsDuring(db, bodyId, { from: '0001-01-01', to: '9999-12-31' });
  const rows: Collaboration[] = [];
  for (const agreementId of new Set(ever.map((c) => c.agreementId))) {
    const view = await replayed(agreementId);
    if (!view) continue;
    for (const interval of view.membership) {
      const start = interval.possibleFrom;
      if (interval.bodyId !== bodyId || (start !== null && start > to)) continue;
      if (interval.validTo !== null && (interval.leftBy ?? interval.validTo) <= from) continue;
      const party = view.parties.findLast((p) => p.id === bodyId);
      rows.push({
        agreementId,
        title: view.title,
        legalBasis: view.legalBasis,
        scope: view.scope,
        businessArea: view.businessArea,
        memberFrom: interval.validFrom,
        memberUntil: interval.validTo,
        ...startPrecision(interval.validFrom, interval.validFromPrecision, interval.possibleFrom, interval.knownFrom),
        ...endPrecision(interval.validTo, interval.validToPrecision, interval.leftBy),
        capacity: party?.capacity ?? null,
        capacityText: party?.capacityText ?? capacitySentence(null),
      });
    }
  }
  return rows.sort(
    (a, b) =>
      a.title.toLowerCase().localeCompare(b.title.toLowerCase()) ||
      a.agreementId.localeCompare(b.agreementId) ||
      a.memberFrom.localeCompare(b.memberFrom),
  );
}
