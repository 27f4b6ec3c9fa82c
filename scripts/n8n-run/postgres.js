/*
 * A throw-away PostgreSQL for n8n's queue mode (SQLite answers SQLITE_BUSY when a main and two workers write
 * executions at once).
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort, runCommand, startProcess, waitForLog } = require('./processes');

/**
 * A PostgreSQL started by startPostgres; `env` points n8n at it.
 * @typedef {object} PostgresServer
 * @property {string} host
 * @property {number} port
 * @property {import('node:child_process').ChildProcess} child
 * @property {Record<string, string>} env
 * @property {() => string} logs
 * @property {() => Promise<import('./processes').Exit>} stop
 */

/**
 * The folder of Debian's PostgreSQL binaries (/usr/lib/postgresql/<major>/bin), newest major first; undefined if none.
 * @returns {string | undefined}
 */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
	return majors.length ? path.join(root, majors[0], 'bin') : undefined;
}

/**
 * The uid/gid of the `postgres` user (PostgreSQL refuses to run as root).
 * @returns {{ uid: number, gid: number }}
 */
function postgresUser() {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith('postgres:'));
	if (!line) throw new Error('running as root but there is no postgres user: install Debian\'s postgresql package (node scripts/ensure-redis.js)');
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Debian's postgresql binaries: `initdb` into a temporary folder (trust authentication, superuser `n8n`), the
 * server on a free port of 127.0.0.1 with durability off (fsync, synchronous_commit, full_page_writes). As root it
 * runs as the postgres user. `env` is what n8n needs (DB_TYPE=postgresdb, DB_POSTGRESDB_*); `stop()` ends it and
 * removes the folder.
 * @param {{ binDir?: string, timeoutMs?: number }} [options]
 * @returns {Promise<PostgresServer>}
 */
async function startPostgres({ binDir = process.env.POSTGRES_BIN_DIR || postgresBinDir(), timeoutMs = 30_000 } = {}) {
	if (!binDir) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): run node scripts/ensure-redis.js');
	const port = await freePort();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-postgres-'));
	const dataDir = path.join(dir, 'data');
	const asUser = typeof process.getuid === 'function' && process.getuid() === 0 ? postgresUser() : undefined;
	if (asUser) fs.chownSync(dir, asUser.uid, asUser.gid);
	const env = { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' };
	await runCommand(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--no-sync'], { ...asUser, cwd: dir, env });
	const args = ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'];
	const postgres = startProcess(path.join(binDir, 'postgres'), args, { ...asUser, cwd: dir, env });
	const { child, exited } = postgres;
	const stop = async () => {
		// SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for n8n's pooled connections).
		if (child.exitCode === null && child.signalCode === null) {
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			child.kill('SIGINT');
			await exited;
			clearTimeout(timer);
		}
		fs.rmSync(dir, { recursive: true, force: true });
		return await exited;
	};
	try {
		await waitForLog(postgres, /database system is ready to accept connections/, { name: 'postgres', timeoutMs });
	} catch (error) {
		await stop();
		throw error;
	}
	return {
		host: '127.0.0.1',
		port,
		child,
		logs: postgres.logs,
		stop,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
		},
	};
}

module.exports = { startPostgres };
