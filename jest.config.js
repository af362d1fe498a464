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
  // Each test file runs in a worker that is replaced when it ends above this much memory, which after a
  // suite that starts the service is nearly always: run in band, the one process's heap grew past a
  // gigabyte within a few suites and every later suite ran slower (the garbage collector), and a suite
  // that timed out left its service running beside all the files after it. A fresh worker costs a few seconds.
  workerIdleMemoryLimit: '400MB',
};
