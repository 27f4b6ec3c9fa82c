/**
 * Tests run on the TypeScript sources; the build is only needed by tests that start a real n8n.
 *
 * Two tiers, one jest project each, chosen by what a suite needs rather than by its file name:
 * - `unit`: everything that runs in this process or in plain Node child processes (lib, emulator, the nodes in
 *   n8n-core's in-process engine, the harness self-tests that need no install). `npm run test:unit`.
 * - `real-n8n`: suites that need an installed n8n (and, for the editor, Chromium). They skip themselves unless
 *   N8N_E2E=1; `npm test` installs what they need and runs both tiers.
 */
const REAL_N8N_SUITES = ['<rootDir>/test/e2e/', '<rootDir>/test/editor/', '<rootDir>/test/harness-selftest/real-n8n.test.ts'];

const shared = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
};

module.exports = {
	testTimeout: 60000,
	reporters: ['default', '<rootDir>/test/closing-line-reporter.js'],
	projects: [
		{ ...shared, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...REAL_N8N_SUITES] },
		{ ...shared, displayName: 'real-n8n', testMatch: REAL_N8N_SUITES.map((suite) => (suite.endsWith('/') ? `${suite}**/*.test.ts` : suite)) },
	],
};
