'use strict';
/**
 * What n8n's queue mode does to executions of the Invoke node when a worker or Redis is lost, measured once on a
 * real n8n (main + two workers of concurrency 1, PostgreSQL, Debian's Redis) against the emulator's sample model
 * server answering slowly (a streamed chat paced 1 s a chunk, so an execution is running when we act):
 *
 * 1. default settings, Redis without persistence: a worker killed with SIGKILL mid-execution (how long until the
 *    execution is no longer "running", its final status and message, what the webhook caller got, whether the
 *    next execution runs on the other worker); then Redis restarted while executions are queued;
 * 2. main restarted with N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL=1 (minutes): what the recovery pass at start does
 *    to the executions left "new", then the same Redis restart without persistence;
 * 3. the same, Redis with its append-only file on (appendonly yes, appendfsync everysec);
 * 4. the worker kill again with shorter Bull locks (SHORT_LOCKS on every process).
 *
 * Prints a timeline of every execution's status and a JSON summary. `node bench/queue-recovery.js` after
 * `npm run build` (`--only=short-locks` runs phase 4 alone); N8N_VERSION picks the installed n8n as
 * scripts/n8n-install.js does.
 */
const os = require('node:os');
const path = require('node:path');

const { CREDENTIAL } = require('../examples');
const { ensureN8n, n8nVersion } = require('../scripts/n8n-install');
const { importWorkflow, publishWorkflow } = require('../scripts/n8n-run/instance');
const { prepareInstance } = require('../scripts/n8n-run/community-package');
const { startQueueMode } = require('../scripts/n8n-run/queue-mode');
const { startRedis } = require('../scripts/n8n-run/redis');
const { startPostgres } = require('../scripts/n8n-run/postgres');
const { startEmulatorProcess } = require('../scripts/n8n-run/emulator');
const { listExecutions, ownerSession, restRequest } = require('../scripts/n8n-run/rest');
const { slowChatWorkflow } = require('../scripts/scale-workflows');

const WORKFLOW_ID = 'vertexQueueSlow';
const WORKER_CONCURRENCY = 1;
/** Five executions on two workers of concurrency 1: two running, three queued in Redis. */
const QUEUED_CALLS = 5;
/** Each execution streams this many chunks, 1 s apart. */
const SLOW_CHUNKS = 20;
const OBSERVE_MS = 150_000;
/** A lost worker's job is found stalled once its lock expires, at the next stalled-jobs check (n8n's defaults: 60 s, 30 s). */
const SHORT_LOCKS = { QUEUE_WORKER_LOCK_DURATION: '20000', QUEUE_WORKER_LOCK_RENEW_TIME: '5000', QUEUE_WORKER_STALLED_INTERVAL: '10000' };

/** @param {string} line */
const log = (line) => process.stderr.write(`[queue-recovery] ${new Date().toISOString().slice(11, 19)} ${line}\n`);
/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A webhook call left to run while we act: its outcome (HTTP status, body, when) once it ends.
 * @typedef {{ prompt: string, outcome?: { httpStatus: number | string, body: string, afterMs: number } }} PendingCall
 */

/**
 * Starts a call to the slow webhook without waiting for it.
 * @param {string} baseUrl
 * @param {string} prompt
 * @param {number} chunks
 * @param {AbortSignal} signal
 * @returns {PendingCall}
 */
function callSlowWebhook(baseUrl, prompt, chunks, signal) {
	const started = Date.now();
	/** @type {PendingCall} */
	const call = { prompt };
	fetch(`${baseUrl}/webhook/queue-slow`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ prompt, chunks, delayMs: 1000 }),
		signal,
	})
		.then(async (response) => (call.outcome = { httpStatus: response.status, body: (await response.text()).slice(0, 300), afterMs: Date.now() - started }))
		.catch((error) => (call.outcome = { httpStatus: `no answer (${/** @type {Error} */ (error).name})`, body: '', afterMs: Date.now() - started }));
	return call;
}

/**
 * The slow workflow's executions as the editor lists them (id and status), oldest first.
 * @param {string} baseUrl
 * @param {string} cookie
 */
async function statuses(baseUrl, cookie) {
	const list = await listExecutions(baseUrl, cookie, { workflowId: WORKFLOW_ID });
	return list.map(({ id, status }) => ({ id: String(id), status })).sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * Polls until `done(list)` or `timeoutMs`; logs each change of the list. Resolves to the last list and when
 * `done` first held (ms after the start, or undefined).
 * @param {string} baseUrl
 * @param {string} cookie
 * @param {{ done: (list: Array<{ id: string, status: string }>) => boolean, timeoutMs: number, intervalMs?: number, label: string }} options
 */
async function watch(baseUrl, cookie, { done, timeoutMs, intervalMs = 250, label }) {
	const started = Date.now();
	let shown = '';
	/** @type {Array<{ id: string, status: string }>} */
	let list = [];
	while (Date.now() - started < timeoutMs) {
		try {
			list = await statuses(baseUrl, cookie);
		} catch (error) {
			log(`${label}: listing failed: ${/** @type {Error} */ (error).message.slice(0, 120)}`);
		}
		const text = list.map(({ id, status }) => `${id}:${status}`).join(' ');
		if (text !== shown) log(`${label} +${((Date.now() - started) / 1000).toFixed(1)} s: ${(shown = text)}`);
		if (done(list)) return { list, doneAfterMs: Date.now() - started };
		await sleep(intervalMs);
	}
	return { list, doneAfterMs: undefined };
}

/** @param {Array<{ status: string }>} list @param {string} status */
const count = (list, status) => list.filter((execution) => execution.status === status).length;

/**
 * Queues QUEUED_CALLS slow executions, waits for two running and the rest "new", restarts Redis (with the given
 * persistence) and watches what becomes of them.
 * @param {{ baseUrl: string, cookie: string, redis: import('../scripts/n8n-run/redis').RedisServer, persistence: boolean, label: string }} options
 */
async function redisRestartWithQueuedJobs({ baseUrl, cookie, redis, persistence, label }) {
	const before = new Set((await statuses(baseUrl, cookie)).map(({ id }) => id));
	const abort = new AbortController();
	const calls = Array.from({ length: QUEUED_CALLS }, (_, index) => callSlowWebhook(baseUrl, `${label} ${index}`, SLOW_CHUNKS, abort.signal));
	/** @param {Array<{ id: string, status: string }>} list */
	const ours = (list) => list.filter(({ id }) => !before.has(id));
	const queued = await watch(baseUrl, cookie, {
		label: `${label}: queueing`,
		timeoutMs: 60_000,
		done: (list) => ours(list).length === QUEUED_CALLS && count(ours(list), 'running') === 2 && count(ours(list), 'new') === QUEUED_CALLS - 2,
	});
	if (queued.doneAfterMs === undefined) throw new Error(`${label}: the executions did not reach 2 running + ${QUEUED_CALLS - 2} new`);
	await sleep(3_000);
	log(`${label}: restarting Redis (persistence ${persistence ? 'on' : 'off'})`);
	const restartedAt = Date.now();
	await redis.restart({ persistence });
	const redisBackMs = Date.now() - restartedAt;
	log(`${label}: Redis back after ${redisBackMs} ms`);
	const observed = await watch(baseUrl, cookie, {
		label: `${label}: after the restart`,
		timeoutMs: OBSERVE_MS,
		intervalMs: 1_000,
		done: (list) => ours(list).every(({ status }) => !['new', 'running'].includes(status)),
	});
	const final = ours(observed.list);
	abort.abort();
	await sleep(200);
	return {
		redisBackMs,
		settledAfterRestartMs: observed.doneAfterMs === undefined ? undefined : redisBackMs + observed.doneAfterMs,
		final: final.map(({ id, status }) => `${id}:${status}`),
		counts: Object.fromEntries(['success', 'crashed', 'error', 'new', 'running'].map((status) => [status, count(final, status)])),
		callers: calls.map((call) => call.outcome ?? { httpStatus: 'still waiting when observation ended', body: '', afterMs: -1 }),
	};
}

/**
 * Kills one worker (SIGKILL) while it runs a slow execution; watches the execution until it is no longer running,
 * then runs a short one on what is left.
 * @param {{ queue: import('../scripts/n8n-run/queue-mode').QueueMode, cookie: string }} options
 */
async function killWorkerMidExecution({ queue, cookie }) {
	const { baseUrl } = queue.main;
	const abort = new AbortController();
	const call = callSlowWebhook(baseUrl, 'killed mid-answer', 60, abort.signal);
	const running = await watch(baseUrl, cookie, { label: 'kill: starting', timeoutMs: 60_000, done: (list) => list.some(({ status }) => status === 'running') });
	const execution = running.list.find(({ status }) => status === 'running');
	if (!execution) throw new Error('the slow execution never ran');
	let worker;
	for (const deadline = Date.now() + 10_000; !worker && Date.now() < deadline; await sleep(100)) {
		worker = queue.workers.find((candidate) => candidate.startedExecutions().includes(execution.id));
	}
	if (!worker) throw new Error(`no worker logged starting execution ${execution.id}`);
	await sleep(5_000);
	log(`kill: SIGKILL to the worker (pid ${worker.pid}) running execution ${execution.id}`);
	const killedAt = Date.now();
	worker.child.kill('SIGKILL');
	queue.workers = queue.workers.filter((candidate) => candidate !== worker);
	const watchFromMs = Date.now() - killedAt;
	const ended = await watch(baseUrl, cookie, {
		label: 'kill: after',
		timeoutMs: 240_000,
		done: (list) => list.some(({ id, status }) => id === execution.id && status !== 'running'),
	});
	const detail = (await restRequest(baseUrl, cookie, `/rest/executions/${execution.id}`)).data;
	await sleep(2_000);
	const callerAfterKill = call.outcome ?? { httpStatus: 'still waiting', body: '', afterMs: -1 };
	abort.abort();

	// The next execution: the remaining worker takes it.
	const nextStarted = Date.now();
	const next = callSlowWebhook(baseUrl, 'after the kill', 3, new AbortController().signal);
	while (!next.outcome && Date.now() - nextStarted < 60_000) await sleep(100);
	const nextId = (await statuses(baseUrl, cookie)).at(-1)?.id ?? '';
	// A worker logs "finished" just after the webhook answer.
	await sleep(1_000);
	return {
		executionId: execution.id,
		markedAfterMs: ended.doneAfterMs === undefined ? undefined : watchFromMs + ended.doneAfterMs,
		finalStatus: ended.list.find(({ id }) => id === execution.id)?.status,
		stoppedAt: detail.stoppedAt,
		stalledMessage: JSON.stringify(detail).includes('This execution failed to be processed too many times'),
		callerAfterKill,
		mainLogLines: queue.main
			.logs()
			.split('\n')
			.filter((line) => line.includes(execution.id) || /stalled|crash/i.test(line))
			.slice(-8),
		next: { ...next.outcome, ranOnRemainingWorker: queue.workers.some((remaining) => remaining.finishedExecutions().includes(nextId)) },
	};
}

/**
 * Phase 4: main and two workers with SHORT_LOCKS, one worker killed mid-execution.
 * @param {import('../scripts/n8n-run/instance').N8nInstance} instance
 * @param {import('../scripts/n8n-run/redis').RedisServer} redis
 */
async function killWithShortLocks(instance, redis) {
	log(`phase 4: a worker killed with ${JSON.stringify(SHORT_LOCKS)}`);
	const queue = await startQueueMode(instance, { redis, workerCount: 2, concurrency: WORKER_CONCURRENCY, env: SHORT_LOCKS });
	try {
		const result = { settings: SHORT_LOCKS, ...(await killWorkerMidExecution({ queue, cookie: await ownerSession(queue.main.baseUrl) })) };
		log(`kill with short locks: ${JSON.stringify({ ...result, mainLogLines: undefined })}`);
		return result;
	} finally {
		await queue.stop();
	}
}

/**
 * Phases 1 to 4 (see the top of this file), or phase 4 alone with `only: 'short-locks'`.
 * @param {{ only?: string }} [options]
 */
async function measureQueueRecovery({ only } = {}) {
	const buildRoot = path.resolve(__dirname, '..');
	// dist/ is the built package (npm run build): the deployment goes through its client.
	/** @type {any} */
	const setup = require(path.join(buildRoot, 'bench', 'setup'));
	const loadAverageAtStart = os.loadavg()[0];
	/** @type {Array<() => Promise<unknown>>} */
	const stops = [];
	/** @type {Record<string, unknown>} */
	const results = { n8nVersion: n8nVersion(), loadAverageAtStart: Number(loadAverageAtStart.toFixed(2)), cores: os.cpus().length };
	try {
		await ensureN8n();
		const [redis, postgres, emulator] = await Promise.all([startRedis(), startPostgres(), startEmulatorProcess({ operationStepMs: 20 })]);
		stops.push(() => redis.stop(), () => postgres.stop(), () => emulator.stop());
		const { endpoint } = await setup.deploySampleModel(setup.benchClient(emulator), emulator);
		const prepared = await prepareInstance({ credentials: [{ ...CREDENTIAL, data: emulator.credentialData() }], env: postgres.env });
		stops.push(async () => prepared.remove());
		const workflow = slowChatWorkflow(endpoint);
		await importWorkflow(prepared.instance, workflow);
		await publishWorkflow(prepared.instance, workflow.id);

		if (only === 'short-locks') return { ...results, workerKillShortLocks: await killWithShortLocks(prepared.instance, redis) };
		log('phase 1: default settings, Redis without persistence');
		let queue = await startQueueMode(prepared.instance, { redis, workerCount: 2, concurrency: WORKER_CONCURRENCY });
		let cookie = await ownerSession(queue.main.baseUrl);
		results.workerKill = await killWorkerMidExecution({ queue, cookie });
		log(`kill: ${JSON.stringify(results.workerKill)}`);
		await queue.startWorkers(1);
		results.redisRestartDefault = await redisRestartWithQueuedJobs({ baseUrl: queue.main.baseUrl, cookie, redis, persistence: false, label: 'default, no persistence' });
		log(JSON.stringify(results.redisRestartDefault));
		await queue.stop();

		log('phase 2: N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL=1, Redis without persistence');
		const recoveryEnv = { N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1' };
		const mainStarting = Date.now();
		queue = await startQueueMode(prepared.instance, { redis, workerCount: 2, concurrency: WORKER_CONCURRENCY, env: recoveryEnv });
		cookie = await ownerSession(queue.main.baseUrl);
		results.atMainStart = { afterMs: Date.now() - mainStarting, executions: (await statuses(queue.main.baseUrl, cookie)).map(({ id, status }) => `${id}:${status}`) };
		log(`at main start: ${JSON.stringify(results.atMainStart)}`);
		results.redisRestartRecovery1 = await redisRestartWithQueuedJobs({ baseUrl: queue.main.baseUrl, cookie, redis, persistence: false, label: 'recovery 1 min, no persistence' });
		log(JSON.stringify(results.redisRestartRecovery1));

		log('phase 3: the same, Redis with appendonly yes / appendfsync everysec');
		await redis.restart({ persistence: true });
		await sleep(5_000);
		results.redisRestartPersistent = await redisRestartWithQueuedJobs({ baseUrl: queue.main.baseUrl, cookie, redis, persistence: true, label: 'recovery 1 min, persistence' });
		log(JSON.stringify(results.redisRestartPersistent));
		await queue.stop();
		results.workerKillShortLocks = await killWithShortLocks(prepared.instance, redis);
		results.loadAverageAtEnd = Number(os.loadavg()[0].toFixed(2));
		return results;
	} finally {
		for (const stop of stops.reverse()) await stop();
	}
}

if (require.main === module) {
	const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
	measureQueueRecovery({ only }).then(
		(results) => process.stdout.write(`${JSON.stringify(results, null, 2)}\n`),
		(error) => {
			process.stderr.write(`${error.stack || error}\n`);
			process.exitCode = 1;
		},
	);
}

module.exports = { measureQueueRecovery };
