import type { BenefitEvent } from './benefit.events.js';

export interface LedgerEntryState {
  /** The entry that replaced this one, if a correction did. */
  supersededBy: string | null;
}

export interface BenefitLedgerState {
  agreementId: string;
  /** By entry id; a Map, as every state keyed by what users send. */
  entries: ReadonlyMap<string, LedgerEntryState>;
}

export const initialBenefitLedgerState = (): BenefitLedgerState => ({ agreementId: '', entries: new Map() });

export const evolveBenefitLedger = (state: BenefitLedgerState, event: BenefitEvent): BenefitLedgerState => {
  switch (event.type) {
    case 'BenefitRecorded':
      return {
        agreementId: event.data.agreementId,
        entries: new Map(state.entries).set(event.data.entryId, { supersededBy: null }),
      };
    case 'BenefitCorrected':
      return {
        agreementId: event.data.agreementId,
        entries: new Map(state.entries)
          .set(event.data.supersedes, { supersededBy: event.data.entryId })
          .set(event.data.entryId, { supersededBy: null }),
      };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};
