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
const { spawnSync } = require('node:child_process');

const REDIS = process.env.REDIS_SERVER_BIN || '/usr/bin/redis-server';

function log(line) {
	process.stdout.write(`[ensure-redis] ${line}\n`);
}

function fail(line) {
	process.stderr.write(`[ensure-redis] ${line}\n`);
	process.exit(1);
}

function isDebian() {
	try {
		return /^ID(_LIKE)?=.*debian/m.test(fs.readFileSync('/etc/os-release', 'utf8'));
	} catch {
		return false;
	}
}

function isRoot() {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

function run(command, args) {
	log(`$ ${command} ${args.join(' ')}`);
	const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	if (result.error) fail(`${command} could not be started: ${result.error.message}`);
	if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status}`);
}

/** `redis-server --version`: { version } when it runs, else { problem }. */
function redisVersion() {
	const result = spawnSync(REDIS, ['--version'], { encoding: 'utf8' });
	if (result.status === 0) return { version: result.stdout.trim() };
	if (result.error) return { problem: result.error.message };
	return { problem: `exit ${result.status}: ${(result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' | ')}` };
}

/** The newest /usr/lib/postgresql/<major>/bin/postgres (or POSTGRES_BIN_DIR/postgres), or undefined. */
function postgresBin() {
	if (process.env.POSTGRES_BIN_DIR) return path.join(process.env.POSTGRES_BIN_DIR, 'postgres');
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
	return majors.length ? path.join(root, majors[0], 'bin', 'postgres') : undefined;
}

function postgresVersion(bin) {
	const result = spawnSync(bin, ['--version'], { encoding: 'utf8' });
	if (result.status === 0) return { version: result.stdout.trim() };
	return { problem: result.error ? result.error.message : `exit ${result.status}: ${(result.stderr || '').trim()}` };
}

function main() {
	const missing = [];
	if (fs.existsSync(REDIS)) {
		const { version, problem } = redisVersion();
		if (!version) fail(`${REDIS} exists but \`${REDIS} --version\` fails (${problem}): repair it, e.g. apt-get install --reinstall redis-server`);
		log(`found ${version}`);
	} else missing.push('redis-server');
	const postgres = postgresBin();
	if (postgres && fs.existsSync(postgres)) {
		const { version, problem } = postgresVersion(postgres);
		if (!version) fail(`${postgres} exists but --version fails (${problem}): repair it, e.g. apt-get install --reinstall postgresql`);
		log(`found ${version}`);
	} else missing.push('postgresql');
	if (!missing.length) return;

	if (!isDebian()) fail(`${missing.join(' and ')} missing and this is not Debian: install Redis (>= 6) and PostgreSQL, or set REDIS_SERVER_BIN / POSTGRES_BIN_DIR.`);
	if (!isRoot()) fail(`${missing.join(' and ')} missing: run as root, or install with: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
	log(`installing Debian's ${missing.join(' and ')} (the packages' own services are not used: the test starts its own servers)`);
	run('apt-get', ['update']);
	run('apt-get', ['install', '-y', '--no-install-recommends', ...missing]);
	const redis = redisVersion();
	if (!redis.version) fail(`apt-get finished but ${REDIS} --version does not run (${redis.problem})`);
	const installed = postgresBin();
	if (!installed || !postgresVersion(installed).version) fail('apt-get finished but no usable /usr/lib/postgresql/*/bin/postgres');
	log(`installed: ${redis.version}; ${postgresVersion(installed).version}`);
}

main();
