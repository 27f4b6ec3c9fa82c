'use strict';
/**
 * The package in a real n8n, regular and queue mode: Redis and PostgreSQL from Debian, the emulator in its own
 * process with the sample model server deployed, the packed package installed as a community package, then
 *
 * - regular mode (`n8n start`, no queue): a 2,000-chunk answer streamed through a Webhook in Streaming mode,
 *   forwarded live by Invoke, for each coalescing window;
 * - queue mode (main + 1 worker, then + a second): the 50-call webhook batch on 1 and on 2 workers, and the same
 *   streamed answer (every forwarded message is then worker -> Redis -> main -> client).
 *
 * Every answer is checked (each call's reply quotes its own prompt; every chunk's text reached the client, in
 * order): a failed check throws instead of printing a number. `node bench/queue-bench.js` runs it on its own (after
 * npm run build); `benchQueueMode({ log })` and `formatQueueMode(results)` are for bench/run.js.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { CREDENTIAL } = require('../examples');
const { ensureN8n, n8nVersion } = require('../scripts/n8n-install');
const { importWorkflow, publishWorkflow } = require('../scripts/n8n-run/instance');
const { prepareInstance } = require('../scripts/n8n-run/community-package');
const { startN8n } = require('../scripts/n8n-run/server');
const { startQueueMode } = require('../scripts/n8n-run/queue-mode');
const { startRedis } = require('../scripts/n8n-run/redis');
const { startPostgres } = require('../scripts/n8n-run/postgres');
const { startEmulatorProcess } = require('../scripts/n8n-run/emulator');
const { batchWorkflow, liveStreamWorkflow, sampleChatReply } = require('../scripts/scale-workflows');
const { median, round } = require('./stats');
const { number, table } = require('./table');

const BATCH = 50;
const BATCH_ROUNDS = 3;
const WORKER_CONCURRENCY = 10;
const STREAM_CHUNKS = 2_000;
const CHUNK_SIZE = 16;
const STREAM_ROUNDS = 3;
/** Coalescing windows measured, in ms; 0 is off (one message a chunk). */
const WINDOWS_MS = [0, 10, 50, 200];
/**
 * The two streams: the sample server's chunks back to back (a burst: the most messages a second), and paced 1 ms
 * apart (about 1,000 chunks/s: a fast model's token rate, where a window must not hold text back).
 */
const STREAMS = [
	{ name: 'burst', delayMs: 0 },
	{ name: 'paced 1 ms', delayMs: 1 },
];
const STREAM_NODE = 'Invoke Stream';

/** The sample model server's generated text of chunk `index` (its /v1/chat/completions with `chunks` and `chunkSize`). */
function generatedText(index, size) {
	const seed = `tok${index} `;
	return seed.repeat(Math.ceil(size / seed.length)).slice(0, size);
}

function check(condition, message) {
	if (!condition) throw new Error(`queue bench check failed: ${message}`);
}

/** The Invoke node's build must be newer than its sources: the bench installs dist/ as a community package. */
function requireFreshBuild() {
	const root = path.resolve(__dirname, '..');
	for (const name of ['VertexAiInvoke.node', 'description', 'request', 'output', 'liveForwarding']) {
		const built = path.join(root, 'dist/nodes/VertexAiInvoke', `${name}.js`);
		const source = path.join(root, 'nodes/VertexAiInvoke', `${name}.ts`);
		if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(source).mtimeMs) {
			throw new Error(`dist/nodes/VertexAiInvoke/${name}.js is missing or older than its source: run npm run build first`);
		}
	}
}

/**
 * POSTs to a production webhook until it is registered: n8n answers /healthz/readiness before it has activated the
 * published workflows, and a webhook called in between answers 404.
 */
async function postWhenRegistered(url, body, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		if (response.status !== 404 || Date.now() > deadline) return response;
		await response.arrayBuffer();
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** 50 webhook calls at once; each answer must be the reply to its own prompt. Returns executions/s and the workers' split. */
async function runBatch(baseUrl, workers, round) {
	const before = workers.map((worker) => worker.finishedExecutions().length);
	const prompts = Array.from({ length: BATCH }, (_, index) => `Bench round ${round} prompt ${index}`);
	const started = performance.now();
	const answers = await Promise.all(
		prompts.map(async (prompt) => {
			const response = await fetch(`${baseUrl}/webhook/queue-batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt }) });
			return { status: response.status, body: await response.json().catch(() => undefined) };
		}),
	);
	const seconds = (performance.now() - started) / 1000;
	answers.forEach((answer, index) => {
		check(answer.status === 200, `batch call ${index} answered HTTP ${answer.status}`);
		check(answer.body && answer.body.text === sampleChatReply(prompts[index]), `batch call ${index} got another reply: ${JSON.stringify(answer.body).slice(0, 200)}`);
	});
	// A worker logs "finished" just after the webhook answer: give its log a moment.
	const deadline = Date.now() + 10_000;
	const ranOn = () => workers.map((worker, index) => worker.finishedExecutions().length - before[index]);
	while (ranOn().reduce((sum, count) => sum + count, 0) < BATCH && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
	check(ranOn().reduce((sum, count) => sum + count, 0) === BATCH, `the workers logged ${ranOn().join(' + ')} finished executions, not ${BATCH}`);
	return { seconds, executionsPerSecond: BATCH / seconds, perWorker: ranOn() };
}

/**
 * One streamed answer of STREAM_CHUNKS chunks through the streaming webhook, read as n8n's NDJSON lines. Checks that
 * the forwarded texts join into exactly the generated text (the stop and usage chunks, which carry no text, come
 * last as their own messages) and returns the client's view: time to the first item, messages, chunks/s.
 */
async function streamOnce(baseUrl, coalesceMs, delayMs) {
	const started = performance.now();
	const response = await postWhenRegistered(`${baseUrl}/webhook/live-stream`, { chunks: STREAM_CHUNKS, chunkSize: CHUNK_SIZE, delayMs, coalesceMs });
	check(response.status === 200, `the streaming webhook answered HTTP ${response.status}: ${response.status === 200 ? '' : (await response.text()).slice(0, 300)}`);
	const decoder = new TextDecoder();
	const contents = [];
	let firstItemMs;
	let lastItemMs;
	let buffered = '';
	let errors = 0;
	for await (const piece of response.body) {
		buffered += decoder.decode(piece, { stream: true });
		let newline;
		while ((newline = buffered.indexOf('\n')) >= 0) {
			const line = buffered.slice(0, newline).trim();
			buffered = buffered.slice(newline + 1);
			if (!line) continue;
			const message = JSON.parse(line);
			if (message.type === 'error') errors++;
			if (message.type !== 'item' || message.metadata?.nodeName !== STREAM_NODE) continue;
			lastItemMs = performance.now() - started;
			firstItemMs ??= lastItemMs;
			contents.push(message.content);
		}
	}
	check(errors === 0, 'the stream carried an error message');
	check(contents.length >= 3, `only ${contents.length} item messages arrived`);
	const [stop, usage] = contents.slice(-2).map((content) => JSON.parse(content));
	check(stop.choices?.[0]?.finish_reason === 'stop' && usage.usage?.completion_tokens === STREAM_CHUNKS, 'the last two messages are not the stop and usage chunks');
	const expected = Array.from({ length: STREAM_CHUNKS }, (_, index) => generatedText(index, CHUNK_SIZE)).join('');
	check(contents.slice(0, -2).join('') === expected, `the forwarded text is not the ${STREAM_CHUNKS} chunks' text (window ${coalesceMs} ms)`);
	return { firstItemMs, lastItemMs, messages: contents.length, chunksPerSecond: STREAM_CHUNKS / (lastItemMs / 1000) };
}

/** STREAM_ROUNDS streams per stream kind and window (after one warm-up); the median of each figure. */
async function benchStreaming(baseUrl, mode, log) {
	await streamOnce(baseUrl, 0, 0);
	const rows = [];
	for (const stream of STREAMS) for (const windowMs of WINDOWS_MS) {
		const runs = [];
		for (let round = 0; round < STREAM_ROUNDS; round++) runs.push(await streamOnce(baseUrl, windowMs, stream.delayMs));
		const row = {
			mode,
			stream: stream.name,
			windowMs,
			messages: median(runs.map((run) => run.messages)),
			firstItemMs: round(median(runs.map((run) => run.firstItemMs)), 1),
			lastItemMs: round(median(runs.map((run) => run.lastItemMs)), 0),
			chunksPerSecond: Math.round(median(runs.map((run) => run.chunksPerSecond))),
		};
		log(`  ${mode}, ${stream.name}, window ${windowMs} ms: ${row.messages} messages, first item ${row.firstItemMs} ms, last ${row.lastItemMs} ms, ${number(row.chunksPerSecond)} chunks/s`);
		rows.push(row);
	}
	return rows;
}

async function benchBatches(queue, workers, log) {
	await (await postWhenRegistered(`${queue.main.baseUrl}/webhook/queue-batch`, { prompt: 'warm-up' })).arrayBuffer();
	await runBatch(queue.main.baseUrl, queue.workers, 'warm-up');
	const runs = [];
	for (let round = 0; round < BATCH_ROUNDS; round++) runs.push(await runBatch(queue.main.baseUrl, queue.workers, round));
	const medianRun = [...runs].sort((a, b) => a.executionsPerSecond - b.executionsPerSecond)[Math.floor(runs.length / 2)];
	const row = {
		workers,
		executionsPerSecond: round(medianRun.executionsPerSecond, 1),
		seconds: round(medianRun.seconds, 2),
		range: runs.map((run) => round(run.executionsPerSecond, 1)),
		perWorker: medianRun.perWorker,
	};
	log(`  ${workers} worker(s): ${row.executionsPerSecond} executions/s (rounds: ${row.range.join(', ')}), split ${row.perWorker.join(' / ')}`);
	return row;
}

async function benchQueueMode({ log = (line) => process.stderr.write(`[queue-bench] ${line}\n`) } = {}) {
	requireFreshBuild();
	// Required here: dist/ must exist first.
	const { clearVertexClientCache, closeSharedAgent } = require('../dist/lib');
	const { benchClient, deploySampleModel } = require('./setup');
	const started = performance.now();
	const loadAverageAtStart = round(os.loadavg()[0], 2);
	const stops = [];
	try {
		await ensureN8n();
		log('starting Redis, PostgreSQL and the emulator; deploying the sample model server');
		const [redis, postgres, emulator] = await Promise.all([startRedis(), startPostgres(), startEmulatorProcess({ operationStepMs: 20 })]);
		stops.push(() => redis.stop(), () => postgres.stop(), () => emulator.stop());
		const { endpoint } = await deploySampleModel(benchClient(emulator), emulator);
		clearVertexClientCache();
		await closeSharedAgent();

		log('installing the packed package into a fresh n8n user folder; importing the workflows');
		const prepared = await prepareInstance({ credentials: [{ ...CREDENTIAL, data: emulator.credentialData() }], env: postgres.env });
		stops.push(() => prepared.remove());
		for (const workflow of [batchWorkflow(endpoint), liveStreamWorkflow(endpoint)]) {
			await importWorkflow(prepared.instance, workflow);
			await publishWorkflow(prepared.instance, workflow.id);
		}

		log('regular mode (n8n start, no queue): live forwarding');
		const regular = await startN8n(prepared.instance);
		let streaming;
		try {
			streaming = await benchStreaming(regular.baseUrl, 'regular', log);
		} catch (error) {
			log(regular.logs().split('\n').filter((line) => /error|warn|activat/i.test(line)).slice(-15).join('\n'));
			throw error;
		} finally {
			await regular.stop();
		}

		log('queue mode: main + 1 worker');
		const queue = await startQueueMode(prepared.instance, { redis, workerCount: 1, concurrency: WORKER_CONCURRENCY });
		const batches = [];
		try {
			streaming.push(...(await benchStreaming(queue.main.baseUrl, 'queue', log)));
			batches.push(await benchBatches(queue, 1, log));
			log('queue mode: + a second worker');
			await queue.startWorkers(1);
			batches.push(await benchBatches(queue, 2, log));
		} finally {
			await queue.stop();
		}
		return {
			n8nVersion: n8nVersion(),
			loadAverageAtStart,
			batch: { calls: BATCH, rounds: BATCH_ROUNDS, workerConcurrency: WORKER_CONCURRENCY, runs: batches },
			streaming: { chunks: STREAM_CHUNKS, chunkSize: CHUNK_SIZE, rounds: STREAM_ROUNDS, runs: streaming },
			durationMs: Math.round(performance.now() - started),
		};
	} finally {
		for (const stop of stops.reverse()) await stop();
	}
}

function formatQueueMode(results) {
	const { batch, streaming } = results;
	// One row per stream kind and window, regular and queue mode side by side.
	const cases = streaming.runs.filter((run) => run.mode === 'regular');
	const inMode = (mode, { stream, windowMs }) => streaming.runs.find((run) => run.mode === mode && run.stream === stream && run.windowMs === windowMs);
	const figure = (header, pick) => [
		{ header: `regular ${header}`, value: (row) => pick(inMode('regular', row)) },
		{ header: `queue ${header}`, value: (row) => pick(inMode('queue', row)) },
	];
	return [
		`n8n ${results.n8nVersion} regular and queue mode (Redis, PostgreSQL), load average ${results.loadAverageAtStart} at start`,
		'',
		table(
			`Queue mode: ${batch.calls} webhook calls at once (Webhook -> Invoke, aggregated), worker concurrency ${batch.workerConcurrency}, median of ${batch.rounds} rounds`,
			[
				{ header: 'workers', value: (run) => run.workers },
				{ header: 'executions/s', value: (run) => run.executionsPerSecond.toFixed(1) },
				{ header: 'batch s', value: (run) => run.seconds.toFixed(2) },
				{ header: 'rounds (executions/s)', value: (run) => run.range.join(', ') },
				{ header: 'split per worker', value: (run) => run.perWorker.join(' / ') },
			],
			batch.runs,
		),
		table(
			`Live forwarding: ${number(streaming.chunks)} chunks of ${streaming.chunkSize} characters through a streaming webhook, as the HTTP client sees them (median of ${streaming.rounds})`,
			[
				{ header: 'stream, coalesce ms', value: (row) => `${row.stream}, ${row.windowMs === 0 ? 'off' : row.windowMs}` },
				...figure('messages', (run) => number(run.messages)),
				...figure('first item ms', (run) => run.firstItemMs.toFixed(1)),
				...figure('last item ms', (run) => number(run.lastItemMs)),
				...figure('chunks/s', (run) => number(run.chunksPerSecond)),
			],
			cases,
		),
		`queue bench total ${(results.durationMs / 1000).toFixed(1)} s`,
	].join('\n');
}

module.exports = { benchQueueMode, formatQueueMode };

if (require.main === module) {
	benchQueueMode().then(
		(results) => {
			process.stdout.write(`${formatQueueMode(results)}\n`);
			process.exit(0);
		},
		(error) => {
			process.stderr.write(`[queue-bench] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
			process.exit(1);
		},
	);
}
