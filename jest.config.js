// Jest in ESM mode with ts-jest: the set-up verified on Node 20 (shared/design/plan-apply-reference.md §3.2).
// Three tiers, each a jest project that runs alone (`npm run test:unit`, `test:integration`, `test:reliability`;
// `npm test` runs all three; `--no-watchman` there ends the list `--selectProjects` takes, so that
// `npm run test:unit -- test/plan` still filters by path — this project does not use watchman):
// - unit: pure code (planner, renderers, helpers) — no server, no process, no build;
// - integration: everything over HTTP to the simulator, the CLI in-process and built, the package, the docs;
// - reliability: faults, concurrent edits and SIGKILL during apply.
// dist/ is built once per run for the tiers that spawn the built CLI (test/setup/build.js), and the run gets a
// temp folder of its own that must be empty at the end (test/setup/temp.js).
const ts = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup/cleanup.ts'],
};
const UNIT = ['unit', 'plan', 'render'];

/** @type {import('jest').Config} */
export default {
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/setup/temp-setup.js',
  globalTeardown: '<rootDir>/test/setup/temp-teardown.js',
  projects: [
    { ...ts, displayName: 'unit', testMatch: UNIT.map((d) => `<rootDir>/test/${d}/**/*.test.ts`) },
    {
      ...ts,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...[...UNIT, 'reliability'].map((d) => `<rootDir>/test/${d}/`)],
      globalSetup: '<rootDir>/test/setup/build.js',
    },
    { ...ts, displayName: 'reliability', testMatch: ['<rootDir>/test/reliability/**/*.test.ts'], globalSetup: '<rootDir>/test/setup/build.js' },
  ],
};
