// Jest runs in ESM mode because NestJS 12 is ESM-only (see docs/toolchain.md).
// Type checking is done once by `tsc --noEmit` in `npm test`; ts-jest only transpiles.
const libs = ['domain', 'event-store', 'projections', 'alerting', 'messaging', 'config', 'platform', 'application'];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', transpilation: true }],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    ...Object.fromEntries(libs.map((l) => [`^#${l}$`, `<rootDir>/libs/${l}/src/index.ts`])),
  },
  testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Generous: on two cores, with PostgreSQL, a Kafka broker and other suites running beside it, starting the
  // service in a hook has taken over 30 s. A timeout here only catches a hang: no test asserts speed.
  testTimeout: 120000,
};
