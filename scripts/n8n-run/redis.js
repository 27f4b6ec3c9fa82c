/*
 * A throw-away Redis for n8n's queue mode.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort, startProcess, stopChild, waitForLog } = require('./processes');

/**
 * A redis-server started by startRedis.
 * @typedef {object} RedisServer
 * @property {string} host
 * @property {number} port
 * @property {import('node:child_process').ChildProcess} child
 * @property {() => string} logs
 * @property {(options?: { persistence?: boolean }) => Promise<void>} restart ends it (SIGTERM: with persistence it
 *   writes its append-only file first) and starts it again on the same port and folder, with the same persistence
 *   unless told
 * @property {() => Promise<import('./processes').Exit>} stop
 */

/**
 * Debian's redis-server (scripts/ensure-redis.js installs it) on a free port of 127.0.0.1, its working folder a
 * temporary one. Persistence is off (`--save '' --appendonly no`) unless `persistence` is true: then the append-only
 * file is on with an fsync every second (`--appendonly yes --appendfsync everysec`), as a production queue should
 * run. Resolves once it accepts connections; `stop()` ends it and removes the folder.
 * @param {{ bin?: string, timeoutMs?: number, persistence?: boolean }} [options]
 * @returns {Promise<RedisServer>}
 */
async function startRedis({ bin = process.env.REDIS_SERVER_BIN || 'redis-server', timeoutMs = 20_000, persistence = false } = {}) {
	const port = await freePort();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-redis-'));
	/** @param {boolean} durable */
	const launch = async (durable) => {
		const persistenceArgs = durable ? ['--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--save', '', '--appendonly', 'no'];
		const args = [...persistenceArgs, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--protected-mode', 'yes'];
		const running = startProcess(bin, args);
		try {
			await waitForLog(running, /Ready to accept connections/, { name: bin, timeoutMs, hint: 'run node scripts/ensure-redis.js' });
		} catch (error) {
			await stopChild(running.child, 5_000);
			throw error;
		}
		return running;
	};
	/** @type {import('./processes').RunningProcess} */
	let current;
	try {
		current = await launch(persistence);
	} catch (error) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	/** @type {RedisServer} */
	const server = {
		host: '127.0.0.1',
		port,
		child: current.child,
		logs: () => current.logs(),
		async restart({ persistence: durable = persistence } = {}) {
			await stopChild(current.child, 5_000);
			persistence = durable;
			current = await launch(durable);
			server.child = current.child;
		},
		async stop() {
			await stopChild(current.child, 5_000);
			fs.rmSync(dir, { recursive: true, force: true });
			return await current.exited;
		},
	};
	return server;
}

module.exports = { startRedis };
