/*
 * n8n's queue mode: a main `n8n start` that queues executions in Redis and `n8n worker` processes that run them.
 */
'use strict';

const { freePort } = require('./processes');
const { startN8n, startReadyN8nProcess } = require('./server');

/**
 * An `n8n worker` process in queue mode.
 * @typedef {import('./server').N8nProcess & {
 *   healthUrl: string,
 *   port: number,
 *   pid?: number,
 *   startedExecutions(): string[],
 *   finishedExecutions(): string[],
 * }} N8nWorker
 */

/**
 * n8n main + workers in queue mode (startQueueMode).
 * @typedef {object} QueueMode
 * @property {Record<string, string>} env
 * @property {import('./server').N8nServer} main
 * @property {N8nWorker[]} workers
 * @property {(count: number) => Promise<N8nWorker[]>} startWorkers
 * @property {() => Promise<import('./processes').Exit[]>} stopWorkers
 * @property {() => Promise<void>} stop
 */

/** @typedef {{ host: string, port: number }} RedisAddress */

/**
 * The environment that puts an n8n process (main or worker) in queue mode on this Redis.
 * @param {RedisAddress} redis
 * @param {Record<string, string>} [extra]
 * @returns {Record<string, string>}
 */
function queueModeEnv(redis, extra = {}) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		...extra,
	};
}

/**
 * The execution ids of a worker's "Worker started execution <id> (job <n>)" (or "finished") JSON log records.
 * @param {string} logs
 * @param {'started' | 'finished'} [verb]
 * @returns {string[]}
 */
function executionIdsInLog(logs, verb = 'started') {
	const ids = [];
	const pattern = new RegExp(`Worker ${verb} execution (\\S+) \\(job`);
	for (const line of logs.split('\n')) {
		const match = pattern.exec(line);
		if (match) ids.push(match[1]);
	}
	return ids;
}

/**
 * `n8n worker --concurrency=N` in queue mode (env must hold queueModeEnv(redis)): its health server on a free port
 * of 127.0.0.1; resolves once /healthz/readiness answers (database and Redis up). stop() sends SIGTERM: the worker
 * finishes its running jobs first, up to N8N_GRACEFUL_SHUTDOWN_TIMEOUT.
 * @param {import('./instance').N8nInstance} instance
 * @param {{ env?: Record<string, string>, concurrency?: number, timeoutMs?: number }} [options]
 * @returns {Promise<N8nWorker>}
 */
async function startN8nWorker(instance, { env = {}, concurrency = 10, timeoutMs } = {}) {
	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const workerEnv = {
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(port),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		N8N_DISABLED_MODULES: 'mcp-registry',
		...env,
	};
	return await startReadyN8nProcess(['worker', `--concurrency=${concurrency}`], instance, workerEnv, {
		readyUrl: baseUrl,
		timeoutMs,
		graceMs: 40_000,
		fields: ({ child, logs }) => ({
			healthUrl: baseUrl,
			port,
			pid: child.pid,
			startedExecutions: () => executionIdsInLog(logs(), 'started'),
			finishedExecutions: () => executionIdsInLog(logs(), 'finished'),
		}),
	});
}

/**
 * n8n in queue mode on one user folder: `n8n start` as main (it takes the webhook calls and queues the executions)
 * and `workerCount` `n8n worker` processes that run them, all with queueModeEnv(redis). The instance must share a
 * database that several processes can write (startPostgres' env in instance.env). startWorkers(count) adds workers
 * (e.g. after a restart); stopWorkers() stops them (each finishes its jobs first) and forgets them. `env` adds n8n
 * settings for every process (e.g. N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL).
 * @param {import('./instance').N8nInstance} instance
 * @param {{ redis: RedisAddress, workerCount?: number, concurrency?: number, env?: Record<string, string> }} options
 * @returns {Promise<QueueMode>}
 */
async function startQueueMode(instance, { redis, workerCount = 2, concurrency = 10, env: extra = {} }) {
	const env = queueModeEnv(redis, extra);
	const main = await startN8n(instance, { env });
	/** @type {QueueMode} */
	const handle = {
		env,
		main,
		workers: [],
		async startWorkers(count) {
			const started = await Promise.all(Array.from({ length: count }, () => startN8nWorker(instance, { env, concurrency })));
			handle.workers.push(...started);
			return started;
		},
		async stopWorkers() {
			const exits = await Promise.all(handle.workers.map((worker) => worker.stop()));
			handle.workers = [];
			return exits;
		},
		async stop() {
			await handle.stopWorkers();
			await main.stop();
		},
	};
	try {
		await handle.startWorkers(workerCount);
	} catch (error) {
		await handle.stop();
		throw error;
	}
	return handle;
}

module.exports = { executionIdsInLog, queueModeEnv, startN8nWorker, startQueueMode };
