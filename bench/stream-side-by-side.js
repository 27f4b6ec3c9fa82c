'use strict';
/**
 * Streaming side by side, on the sample model server's OpenAI-style SSE route (POST /v1/chat/completions with
 * `stream: true`) through the emulator's invoke route:
 *
 * - 50,000 chunks of 16 characters: raw undici + eventsource-parser / the core's decodeStream / the Invoke node in
 *   n8n's engine giving one item per chunk (with and without the parsed data on text chunks) / the node aggregating
 *   them into one item. CPU and wall time of this process, its peak RSS and heap (sampled), every run checked to
 *   have all the text. Times are taken in the steady state of side-by-side.js (each timed run right after an untimed
 *   one of the same contender, no forced GC); memory, and the CPU ratio beside, in 3 rounds after a forced GC.
 * - The same for other servers' streams (the sample server playing them, each on an endpoint of its own): vLLM with a
 *   reasoning parser (half the chunks `delta.reasoning_content`, half `delta.content`) and llama.cpp's native
 *   `/completion` (`{"content", "stop"}`), the raw client reading each event's fields as that server sends them.
 * - First chunk: a server that sends its first chunk and then pauses. Raw and core: from the call to the first decoded
 *   chunk. Node: from the moment n8n starts the node (its credential and client already loaded by earlier runs) to the
 *   first chunk it forwards live to the workflow's streaming caller.
 */
const { performance } = require('node:perf_hooks');
const { GCProfiler } = require('node:v8');

const { createParser } = require('eventsource-parser');

const { invokeNodeSetup, redact, runContenderWorkflow, sourceNodeWith } = require('./engine-contenders');
const { MemorySampler } = require('./memory');
const { invokeUrl, rawClient } = require('./raw-client');
const { inParallel, sideBySide } = require('./side-by-side');
const { median, round, toMiB } = require('./stats');

const CHUNKS = 50_000;
const CHUNK_SIZE = 16;
const ROUNDS = 9;
const CHAT_ROUTE = '/v1/chat/completions';
/** After its first chunk the first-chunk server waits this long before the next (and last) one. */
const FIRST_CHUNK_PAUSE_MS = 300;
const FIRST_CHUNK_ROUNDS = 9;
/** Runs before measuring, so the code on the path is optimised (V8) and connections, token and client are warm. */
const FIRST_CHUNK_WARMUP_RUNS = 300;

const chatBody = (chunks, delayMs = 0) => ({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'count' }], chunks, chunkSize: CHUNK_SIZE, delayMs });

function checkText(name, characters, chunks) {
	if (characters !== chunks * CHUNK_SIZE) throw new Error(`${name}: expected ${chunks * CHUNK_SIZE} characters of generated text, got ${characters}`);
}

/** The delta text (and thinking, for a reasoning server) of an OpenAI chat-completion chunk, as a hand-written client would pick it. */
function deltaText(data) {
	if (data === '[DONE]') return '';
	const delta = JSON.parse(data).choices?.[0]?.delta;
	return (delta?.content ?? '') + (delta?.reasoning_content ?? '');
}

/**
 * The streams measured side by side: the route, the body asking for `chunks` events of CHUNK_SIZE characters, and
 * the text a hand-written client takes from one event's data. `endpoint` is the dialect whose endpoint serves it.
 */
const STREAMS = {
	openai: { path: CHAT_ROUTE, body: (chunks) => chatBody(chunks), rawText: deltaText },
	'vllm-reasoning': {
		dialect: 'vllm-reasoning',
		path: CHAT_ROUTE,
		body: (chunks) => ({ ...chatBody(chunks / 2), reasoningChunks: chunks / 2 }),
		rawText: deltaText,
	},
	llamacpp: {
		dialect: 'llamacpp',
		path: '/completion',
		body: (chunks) => ({ prompt: 'count', stream: true, chunks, chunkSize: CHUNK_SIZE }),
		rawText: (data) => JSON.parse(data).content ?? '',
	},
};

/** The characters of text and reasoning an item (chunk or aggregate) carries. */
const itemCharacters = (json) => (typeof json.text === 'string' ? json.text.length : 0) + (typeof json.reasoning === 'string' ? json.reasoning.length : 0);

/**
 * Runs `stream` (which returns the characters of text it received) while sampling memory and noting V8's full
 * (mark-compact) collections; checks the text. A full collection marks the whole heap, the n8n engine's included, so a
 * round that has one costs tens of milliseconds more CPU whatever the contender did in it.
 */
async function measuredStream(name, chunks, stream) {
	const sampler = new MemorySampler();
	const collections = new GCProfiler();
	collections.start();
	let characters;
	try {
		characters = await stream(chunks, () => sampler.sample());
	} catch (error) {
		sampler.stop();
		collections.stop();
		throw error;
	}
	const memory = sampler.stop();
	const fullCollections = collections.stop().statistics.filter((gc) => gc.gcType === 'MarkSweepCompact').length;
	checkText(name, characters, chunks);
	return { peakRssMiB: toMiB(memory.peakRss), peakHeapGrowthMiB: toMiB(memory.peakHeapGrowth), fullCollections };
}

const SAMPLE_EVERY = 1_000;

/** A raw undici response's SSE body through eventsource-parser, `onData` called with each event's data. */
async function readRawSse(response, onData) {
	if (response.statusCode !== 200) throw new Error(`raw: the chat route answered ${response.statusCode}`);
	const parser = createParser({ onEvent: (event) => onData(event.data) });
	response.body.setEncoding('utf8');
	for await (const text of response.body) parser.feed(text);
}

function rawStream(raw, url, stream = STREAMS.openai) {
	return async (chunks, onEvent) => {
		let characters = 0;
		let events = 0;
		await readRawSse(await raw.post(url, stream.body(chunks)), (data) => {
			if (data !== '[DONE]') characters += stream.rawText(data).length;
			if (++events % SAMPLE_EVERY === 0) onEvent?.(events);
		});
		return characters;
	};
}

function coreStream(world, endpoint = world.endpoint, stream = STREAMS.openai) {
	return async (chunks, onEvent) => {
		const response = await world.client.invoke({ endpoint, path: stream.path, body: { kind: 'json', value: stream.body(chunks) } });
		let characters = 0;
		let events = 0;
		for await (const chunk of response.chunks({ format: 'sse' })) {
			characters += itemCharacters(chunk);
			if (++events % SAMPLE_EVERY === 0) onEvent?.(events);
		}
		return characters;
	};
}

/** The Invoke node's parameters for a stream's route (the chat route unless given), as a user sets them for a stream. */
function invokeStreamNode(world, { chunks, delayMs = 0, streamOutput, options = {}, endpoint = world.endpoint, stream }) {
	return {
		type: 'n8n-nodes-vertex-invoke.vertexAiInvoke',
		parameters: {
			endpoint: { __rl: true, mode: 'id', value: endpoint },
			path: stream?.path ?? CHAT_ROUTE,
			bodyType: 'json',
			jsonBody: JSON.stringify(stream ? stream.body(chunks) : chatBody(chunks, delayMs)),
			responseFormat: 'sse',
			streamOutput,
			options,
		},
	};
}

async function runInvokeNode(setup, node, options = {}) {
	const result = await runContenderWorkflow(setup, { source: sourceNodeWith([{}]), node, ...options });
	if (result.error) throw new Error(redact(`Invoke node: the workflow run failed: ${result.error.message}`, setup.secrets));
	return result;
}

function nodeStream(world, setup, streamOutput, options, target = {}) {
	return async (chunks) => {
		const result = await runInvokeNode(setup, invokeStreamNode(world, { chunks, streamOutput, options, ...target }));
		return result.lastNodeJson('Contender').reduce((sum, json) => sum + itemCharacters(json), 0);
	};
}

/** `contenders` (`[{ name, stream }]`, the raw one first) side by side, each run checked to have all the text. */
async function streamsSideBySide(contenders, { chunks, rounds }) {
	for (const { name, stream } of contenders) checkText(name, await stream(2_000), 2_000);
	const rows = await sideBySide(
		contenders.map(({ name, stream }) => ({ name, run: () => measuredStream(name, chunks, stream) })),
		{ rounds, steady: true },
	);
	for (const row of rows) {
		row.chunks = chunks;
		row.cpuUsPerChunk = round((row.cpuMs.median * 1000) / chunks, 1);
		// Memory from the runs right after a full GC: their start holds no garbage of an earlier run.
		row.peakRssMiB = Math.max(...row.afterCollection.map((run) => run.peakRssMiB));
		row.peakHeapGrowthMiB = Math.max(...row.afterCollection.map((run) => run.peakHeapGrowthMiB));
		row.afterCollectionWithFullCollection = row.afterCollection.filter((run) => run.fullCollections > 0).length;
		// How many of the rounds had a full collection, and the CPU of those that had none: V8 starts one on its own
		// schedule (even in rounds of a contender that keeps nothing), so this is the contender's work alone.
		const withoutFull = row.rounds.filter((one) => one.fullCollections === 0).map((one) => one.cpuMs);
		row.roundsWithFullCollection = row.rounds.length - withoutFull.length;
		row.roundCount = row.rounds.length;
		row.cpuMsWithoutFullCollection = withoutFull.length > 0 ? round(median(withoutFull), 1) : null;
	}
	const reference = rows[0].cpuMsWithoutFullCollection;
	for (const row of rows) {
		row.cpuRatioWithoutFullCollection =
			reference && row.cpuMsWithoutFullCollection !== null ? round(row.cpuMsWithoutFullCollection / reference, 2) : null;
	}
	return rows;
}

async function benchStreamsSideBySide(world, { chunks = CHUNKS, rounds = ROUNDS } = {}) {
	const raw = await rawClient(world, { connections: 1 });
	const setup = invokeNodeSetup(world);
	const url = invokeUrl(world, CHAT_ROUTE);
	try {
		return await streamsSideBySide(
			[
				{ name: 'raw undici + eventsource-parser', stream: rawStream(raw, url) },
				{ name: 'core client, decodeStream', stream: coreStream(world) },
				{ name: 'Invoke node, one item per chunk (n8n engine)', stream: nodeStream(world, setup, 'chunks') },
				{
					name: 'the same, Include Parsed Data on Text Chunks off',
					stream: nodeStream(world, setup, 'chunks', { dataOnTextChunks: false }),
				},
				{ name: 'Invoke node, one aggregated item (n8n engine)', stream: nodeStream(world, setup, 'aggregate') },
			],
			{ chunks, rounds },
		);
	} finally {
		await raw.close();
	}
}

/**
 * Other servers' streams side by side, 50,000 chunks each: vLLM with a reasoning parser and llama.cpp's native
 * stream, the sample server playing each on an endpoint of its own. One table per server.
 */
async function benchDialectStreamsSideBySide(world, { chunks = CHUNKS, rounds = ROUNDS } = {}) {
	const setup = invokeNodeSetup(world);
	const results = [];
	for (const key of ['vllm-reasoning', 'llamacpp']) {
		const stream = STREAMS[key];
		const endpoint = await world.deployDialect(stream.dialect);
		const raw = await rawClient(world, { connections: 1 });
		try {
			const rows = await streamsSideBySide(
				[
					{ name: 'raw undici + eventsource-parser', stream: rawStream(raw, invokeUrl(world, stream.path, endpoint), stream) },
					{ name: 'core client, decodeStream', stream: coreStream(world, endpoint, stream) },
					{ name: 'Invoke node, one item per chunk (n8n engine)', stream: nodeStream(world, setup, 'chunks', {}, { endpoint, stream }) },
					{ name: 'Invoke node, one aggregated item (n8n engine)', stream: nodeStream(world, setup, 'aggregate', {}, { endpoint, stream }) },
				],
				{ chunks, rounds },
			);
			results.push({ dialect: key, route: stream.path, rows });
		} finally {
			await raw.close();
		}
	}
	return results;
}

/**
 * Each contender's time to its first chunk, `rounds` times, the contenders taking turns (in an order rotated each
 * round) so a slow spell of the machine falls on all of them; median and range per contender. `once()` gives
 * `{ firstMs, ownMs }`: ownMs is the part spent in the contender itself (not waiting for the server's headers).
 */
async function firstChunkTimes(rounds, contenders) {
	const times = contenders.map(() => []);
	for (let turn = 0; turn < rounds; turn++) {
		for (let offset = 0; offset < contenders.length; offset++) {
			const index = (turn + offset) % contenders.length;
			times[index].push(await contenders[index].once());
		}
	}
	return contenders.map(({ name }, index) => {
		const first = times[index].map((time) => time.firstMs).sort((a, b) => a - b);
		return {
			name,
			medianMs: round(median(first), 2),
			minMs: round(first[0], 2),
			maxMs: round(first[first.length - 1], 2),
			ownMs: round(median(times[index].map((time) => time.ownMs)), 2),
		};
	});
}

/** Runs `once` twice in a row and gives the second run's times: it starts while the process is still busy. */
const backToBack = (once) => async () => {
	await once();
	return await once();
};

/**
 * Marks when the node hands its request to the core client and when the response headers are back, by wrapping the
 * client's invoke (the node's own dist/lib class) for the bench's process: the node's own time is then its start to
 * the request, plus the headers to the first chunk it forwards.
 */
function watchInvokeCalls() {
	const { VertexClient } = require('../dist/lib');
	const invoke = VertexClient.prototype.invoke;
	const marks = {};
	VertexClient.prototype.invoke = function watchedInvoke(...args) {
		marks.calledAt = performance.now();
		return invoke.apply(this, args).then((response) => {
			marks.headersAt = performance.now();
			return response;
		});
	};
	return { marks, restore: () => (VertexClient.prototype.invoke = invoke) };
}

async function benchFirstChunk(world, { rounds = FIRST_CHUNK_ROUNDS } = {}) {
	const raw = await rawClient(world, { connections: 1 });
	const setup = invokeNodeSetup(world);
	const url = invokeUrl(world, CHAT_ROUTE);
	const paused = chatBody(1, FIRST_CHUNK_PAUSE_MS);
	// Warm-up runs do not pause: many of them, so V8 has optimised the code on the path as in a long-running n8n.
	const unpaused = chatBody(1);
	const watched = watchInvokeCalls();
	try {
		const rawOnce = async (body = paused) => {
			const started = performance.now();
			const response = await raw.post(url, body);
			const headersAt = performance.now();
			let firstAt;
			await readRawSse(response, () => {
				firstAt ??= performance.now();
			});
			return { firstMs: firstAt - started, ownMs: firstAt - headersAt };
		};
		const coreOnce = async (body = paused) => {
			const started = performance.now();
			const response = await world.client.invoke({ endpoint: world.endpoint, path: CHAT_ROUTE, body: { kind: 'json', value: body } });
			const { calledAt, headersAt } = watched.marks;
			let firstAt;
			for await (const chunk of response.chunks({ format: 'sse' })) firstAt ??= performance.now();
			return { firstMs: firstAt - started, ownMs: calledAt - started + (firstAt - headersAt) };
		};
		const pausedNode = invokeStreamNode(world, { chunks: 1, delayMs: FIRST_CHUNK_PAUSE_MS, streamOutput: 'chunks' });
		const unpausedNode = invokeStreamNode(world, { chunks: 1, streamOutput: 'chunks' });
		const nodeOnce = async (node = pausedNode) => {
			let nodeStarted;
			let firstAt;
			let request;
			await runInvokeNode(setup, node, {
				streaming: true,
				onNodeStart: (name) => {
					if (name === 'Contender') nodeStarted = performance.now();
				},
				onChunk: (chunk) => {
					if (chunk.type === 'item' && firstAt === undefined) {
						firstAt = performance.now();
						request = { ...watched.marks };
					}
				},
			});
			if (firstAt === undefined) throw new Error('Invoke node: no chunk was forwarded live');
			return { firstMs: firstAt - nodeStarted, ownMs: request.calledAt - nodeStarted + (firstAt - request.headersAt) };
		};
		// Warm: connections open, the token and the node's client cached.
		await inParallel(FIRST_CHUNK_WARMUP_RUNS, 1, () => rawOnce(unpaused));
		await inParallel(FIRST_CHUNK_WARMUP_RUNS, 1, () => coreOnce(unpaused));
		await inParallel(FIRST_CHUNK_WARMUP_RUNS, 1, () => nodeOnce(unpausedNode));
		const rows = await firstChunkTimes(rounds, [
			{ name: 'raw undici + eventsource-parser (from the call)', once: () => rawOnce() },
			{ name: 'core client (from the call)', once: () => coreOnce() },
			{ name: 'Invoke node, live forwarding (from the node start)', once: () => nodeOnce() },
			// The runs above start after the previous one's 300 ms pause, and a process that idled even 30 ms runs its next
			// request noticeably slower (caches, the CPU's clock). These start right after a run of their own: the hot path.
			{ name: 'raw, right after another run (no pause)', once: backToBack(() => rawOnce(unpaused)) },
			{ name: 'Invoke node, right after another run (no pause)', once: backToBack(() => nodeOnce(unpausedNode)) },
		]);
		for (const row of rows) row.ratio = round(row.medianMs / rows[0].medianMs, 2);
		return { pauseMs: FIRST_CHUNK_PAUSE_MS, rounds, rows };
	} finally {
		watched.restore();
		await raw.close();
	}
}

module.exports = { benchDialectStreamsSideBySide, benchFirstChunk, benchStreamsSideBySide };
