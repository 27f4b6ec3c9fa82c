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
 * @property {() => Promise<import('./processes').Exit>} stop
 */

/**
 * Debian's redis-server (scripts/ensure-redis.js installs it) on a free port of 127.0.0.1, persistence off
 * (`--save '' --appendonly no`), its working folder a temporary one. Resolves once it accepts connections;
 * `stop()` ends it and removes the folder.
 * @param {{ bin?: string, timeoutMs?: number }} [options]
 * @returns {Promise<RedisServer>}
 */
async function startRedis({ bin = process.env.REDIS_SERVER_BIN || 'redis-server', timeoutMs = 20_000 } = {}) {
	const port = await freePort();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-redis-'));
	const args = ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--protected-mode', 'yes'];
	const redis = startProcess(bin, args);
	const stop = async () => {
		await stopChild(redis.child, 5_000);
		fs.rmSync(dir, { recursive: true, force: true });
		return await redis.exited;
	};
	try {
		await waitForLog(redis, /Ready to accept connections/, { name: bin, timeoutMs, hint: 'run node scripts/ensure-redis.js' });
	} catch (error) {
		await stop();
		throw error;
	}
	return { host: '127.0.0.1', port, child: redis.child, logs: redis.logs, stop };
}

module.exports = { startRedis };
