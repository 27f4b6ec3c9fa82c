#!/usr/bin/env node
/*
 * Makes sure the services of the queue-mode end-to-end test (test/e2e/queue-mode.test.ts) are there:
 * Debian's `redis-server` (/usr/bin/redis-server: n8n's job queue) and `postgresql`
 * (/usr/lib/postgresql/<major>/bin/postgres: the database main and workers share; SQLite answers
 * SQLITE_BUSY under a 50-execution burst from three processes). Installs them with apt-get when they
 * are missing and we are root on Debian (as in CI); otherwise says what to do. Only the binaries are
 * needed: the test starts its own redis-server and postgres on free loopback ports (persistence and
 * durability off, data in temporary folders) and stops them. Exit code 0 when both are usable.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { aptInstall, reporter, versionOf } = require('./apt');

const REDIS = process.env.REDIS_SERVER_BIN || '/usr/bin/redis-server';
const report = reporter('ensure-redis');
const { log, fail } = report;

/** The newest /usr/lib/postgresql/<major>/bin/postgres (or POSTGRES_BIN_DIR/postgres), or undefined. */
function postgresBin() {
	if (process.env.POSTGRES_BIN_DIR) return path.join(process.env.POSTGRES_BIN_DIR, 'postgres');
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
	return majors.length ? path.join(root, majors[0], 'bin', 'postgres') : undefined;
}

function main() {
	const missing = [];
	if (fs.existsSync(REDIS)) {
		const { version, problem } = versionOf(REDIS);
		if (!version) fail(`${REDIS} exists but \`${REDIS} --version\` fails (${problem}): repair it, e.g. apt-get install --reinstall redis-server`);
		log(`found ${version}`);
	} else missing.push('redis-server');
	const postgres = postgresBin();
	if (postgres && fs.existsSync(postgres)) {
		const { version, problem } = versionOf(postgres);
		if (!version) fail(`${postgres} exists but --version fails (${problem}): repair it, e.g. apt-get install --reinstall postgresql`);
		log(`found ${version}`);
	} else missing.push('postgresql');
	if (!missing.length) return;

	aptInstall(
		report,
		{
			packages: missing,
			options: ['--no-install-recommends'],
			missing: `${missing.join(' and ')} missing`,
			elsewhere: 'install Redis (>= 6) and PostgreSQL, or set REDIS_SERVER_BIN / POSTGRES_BIN_DIR.',
			installing: `installing Debian's ${missing.join(' and ')} (the packages' own services are not used: the test starts its own servers)`,
		},
	);
	const redis = versionOf(REDIS);
	if (!redis.version) fail(`apt-get finished but ${REDIS} --version does not run (${redis.problem})`);
	const installed = postgresBin();
	if (!installed || !versionOf(installed).version) fail('apt-get finished but no usable /usr/lib/postgresql/*/bin/postgres');
	log(`installed: ${redis.version}; ${versionOf(installed).version}`);
}

main();
