#!/usr/bin/env node
/*
 * The version matrix of `npm test`: runs the real-n8n suites (test/e2e and test/editor) on every
 * supported n8n release other than the default, which the plain `N8N_E2E=1 jest` run before it has
 * covered already (scripts/n8n-install.js --all installs them all, each in its own cache folder keyed by
 * its version). One version after the other: each suite starts n8n processes of its own.
 *
 *   node scripts/n8n-versions.js              the supported versions but the default
 *   node scripts/n8n-versions.js 2.41.3 ...   these versions (the default too, if named)
 *
 * Extra jest arguments go after `--`. Screenshots are never refreshed here (UPDATE_SCREENSHOTS is
 * dropped): docs/screenshots/ show the default version. Exit code 0 when every version passed.
 */
'use strict';

const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { DEFAULT_N8N_VERSION, SUPPORTED_N8N_VERSIONS, nodeEnv } = require('./n8n-install');

const PROJECT_ROOT = path.resolve(__dirname, '..');

function main() {
	const dash = process.argv.indexOf('--');
	const named = process.argv.slice(2, dash < 0 ? undefined : dash);
	const jestArgs = dash < 0 ? [] : process.argv.slice(dash + 1);
	const versions = named.length ? named : SUPPORTED_N8N_VERSIONS.filter((version) => version !== DEFAULT_N8N_VERSION);
	const { UPDATE_SCREENSHOTS, N8N_INSTALL_DIR, ...inherited } = process.env;
	const results = [];
	for (const version of versions) {
		const started = Date.now();
		process.stdout.write(`[n8n-versions] n8n ${version}: jest test/e2e test/editor\n`);
		// The Node-RED suites do not depend on the n8n release: the first run covers them. A command-line
		// --testPathIgnorePatterns replaces every project's own list, so the unit project (whose list keeps the
		// real-n8n suites out) must not be selected, or each suite would run twice.
		const jest = [require.resolve('jest/bin/jest', { paths: [PROJECT_ROOT] }), 'test/e2e', 'test/editor', '--testPathIgnorePatterns', 'node-red', '--selectProjects', 'real-n8n'];
		const result = spawnSync(process.execPath, [...jest, ...jestArgs], {
			cwd: PROJECT_ROOT,
			stdio: 'inherit',
			env: nodeEnv({ ...inherited, N8N_VERSION: version, N8N_E2E: '1' }),
		});
		results.push({ version, ok: result.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
	}
	for (const { version, ok, seconds } of results) process.stdout.write(`[n8n-versions] n8n ${version}: ${ok ? 'passed' : 'FAILED'} (${seconds} s)\n`);
	if (results.some((result) => !result.ok)) process.exitCode = 1;
}

main();
