export * from './processor-checkpoints.js';
export * from './retry-policy.js';
export { PROCESSOR_MIGRATIONS } from './processor-migrations.js';
export * from './follow-log.js';
