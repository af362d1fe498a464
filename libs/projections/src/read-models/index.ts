import type { SqlProjection } from '../sql-projection.js';
import { agreementDetailProjection } from './agreement-detail/agreement-detail.projection.js';
import { agreementRegisterProjection } from './agreement-register/agreement-register.projection.js';
import { boardComplianceProjection } from './board-compliance/board-compliance.projection.js';
import { decisionsProjection } from './decisions/decisions.projection.js';
import { membershipProjection } from './membership/membership.projection.js';
import { savingsProjection } from './savings/savings.projection.js';
import { benefitsProjection } from './benefits/benefits.projection.js';
import { publicationProjection } from './publication/publication.projection.js';

export * from './agreement-register/agreement-register.projection.js';
export * from './agreement-register/agreement-register.queries.js';
export * from './agreement-detail/agreement-detail.projection.js';
export * from './agreement-detail/agreement-detail.queries.js';
export * from './membership/membership.projection.js';
export * from './membership/membership.queries.js';
export * from './board-compliance/board-compliance.projection.js';
export * from './board-compliance/assess-board-compliance.js';
export * from './board-compliance/board-compliance.queries.js';
export * from './board-compliance/board-compliance-known-at.js';
export * from './decisions/decisions.projection.js';
export * from './decisions/decisions.queries.js';
export * from './savings/savings.projection.js';
export * from './savings/savings.queries.js';
export * from './benefits/benefits.projection.js';
export * from './benefits/benefits.queries.js';
export * from './agreement-as-of/agreement-as-of.js';
export * from './publication/publication.projection.js';
export * from './publication/publication.queries.js';
export type { PageWindow } from './shared.js';
export { endOf } from './shared.js';

/** Every read model the service keeps, in the order they are started. */
export const READ_MODEL_PROJECTIONS: readonly SqlProjection[] = [
  agreementRegisterProjection,
  agreementDetailProjection,
  membershipProjection,
  boardComplianceProjection,
  decisionsProjection,
  savingsProjection,
  benefitsProjection,
  publicationProjection,
];
export * from './agreement-as-of/collaborations-known-at.js';
export * from './agreement-as-of/register-known-at.js';
