import { Injectable } from '@nestjs/common';
import { type AgreementDrafted } from '#domain';
import { EventStore, type Position } from '#event-store';

const PAGE = 1000;

/**
 * Which agreements were drafted as units of which parent (issue 15 item 3: Zephyr's RART, RIU, …), followed from
 * the log itself, so a parent's termination sees every unit appended before it whatever the read models' lag (a
 * split deployment projects in apps/worker). A unit's parent is fixed when it is drafted, so only `AgreementDrafted`
 * counts; the first call reads the log once, later calls only what was appended since. Reading `readAll` by
 * position is safe near the head: the store makes positions visible in order (docs/architecture.md, "The
 * sequence-gap rule").
 */
@Injectable()
export class UnitsOfParents {
  private readonly units = new Map<string, Set<string>>();
  private last: Position | null = null;
  private catchingUp: Promise<void> = Promise.resolve();

  constructor(private readonly store: EventStore) {}

  /** The ids of the agreements drafted as units of `parentId`, as the log has them now. */
  async of(parentId: string): Promise<string[]> {
    const next = this.catchingUp.then(() => this.catchUp());
    this.catchingUp = next.catch(() => {});
    await next;
    return [...(this.units.get(parentId) ?? [])].sort();
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.store.readAll({ maxCount: PAGE + 1, ...(this.last ? { fromPosition: this.last } : {}) });
      const last = this.last;
      const fresh = last === null ? page : page.filter((e) => this.store.comparePositions(e.position, last) > 0);
      if (fresh.length === 0) return;
      for (const event of fresh) {
        if (event.type !== 'AgreementDrafted') continue;
        const { agreementId, parentAgreementId } = event.data as AgreementDrafted['data'];
        if (parentAgreementId === null || parentAgreementId === undefined) continue;
        const units = this.units.get(parentAgreementId) ?? new Set<string>();
        this.units.set(parentAgreementId, units.add(agreementId));
      }
      this.last = fresh[fresh.length - 1]!.position;
      if (page.length <= PAGE) return;
    }
  }
}
