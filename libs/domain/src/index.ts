// The domain's public surface, imported by the API and workers as '#domain'.
// kernel/testing.ts is left out on purpose: it imports Jest.

export * from './kernel/decider.js';
export * from './kernel/errors.js';
export * from './kernel/dates.js';
export * from './kernel/validation.js';
export * from './kernel/money.js';

export * from './bodies/body.js';
export * from './bodies/reference-bodies.js';
export * from './bodies/policing-body-history.js';
export * from './bodies/resolve-body.js';
export * from './bodies/body-registry.commands.js';
export * from './bodies/body-registry.events.js';
export * from './bodies/body-registry.state.js';
export * from './bodies/body-registry.decider.js';

export * from './agreement/agreement.commands.js';
export * from './agreement/agreement.events.js';
export * from './agreement/agreement.state.js';
export * from './agreement/agreement.decider.js';
export * from './agreement/agreement.upcasters.js';
export * from './agreement/date-precision.js';
export * from './agreement/units.js';
export * from './agreement/service-lines.js';
export * from './agreement/terms.js';
export * from './agreement/variations.js';
export * from './agreement/parties.js';

export * from './board/board.commands.js';
export * from './board/board.events.js';
export * from './board/board.state.js';
export * from './board/board.decider.js';

export * from './decision/decision.commands.js';
export * from './decision/decision.events.js';
export * from './decision/decision.state.js';
export * from './decision/decision.decider.js';

export * from './alert/alert.commands.js';
export * from './alert/alert.events.js';
export * from './alert/alert.state.js';
export * from './alert/alert.decider.js';
export * from './alert/alert-id.js';

export * from './compliance/board-history.js';
export * from './compliance/board-breaches.js';
export * from './compliance/agreement-breaches.js';
export * from './publication/publication.commands.js';
export * from './publication/publication.events.js';
export * from './publication/publication.state.js';
export * from './publication/publication.decider.js';

export * from './benefit/benefit.commands.js';
export * from './benefit/benefit.events.js';
export * from './benefit/benefit.state.js';
export * from './benefit/benefit.decider.js';
