/** Tests run on the TypeScript sources; the build is only needed by tests that start a real n8n. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	testTimeout: 60000,
	reporters: ['default', '<rootDir>/test/closing-line-reporter.js'],
};
