'use strict';
/**
 * Streamed invoke, end to end: the sample model server streams N chunks through the emulator's invoke route, the
 * core client receives them and the core's decodeStream decodes them. Measures rate, time to first chunk, and this
 * process's memory while it runs.
 */
const { performance } = require('node:perf_hooks');

const { decodeStream } = require('../dist/lib');
const { MemorySampler, retainedHeap } = require('./memory');
const { MIB, median, round, toMiB } = require('./stats');

const CHUNK_SIZE = 16;
const WARMUP_CHUNKS = 2_000;
/** The 50k run checks the retained heap at these chunk counts: it must not grow with the number of chunks read. */
const LONG_RUN = { chunks: 50_000, checkpoints: [5_000, 50_000] };
const SHORT_RUN = { chunks: 5_000, checkpoints: [5_000] };
const REPEATS = 5;
/** The timer alone starves while decoding keeps the event loop busy, so the loop samples too. */
const SAMPLE_EVERY_CHUNKS = 500;

const ROUTES = {
	sse: (chunks) => ({
		path: '/v1/chat/completions',
		body: { model: 'bench', stream: true, messages: [{ role: 'user', content: 'count' }], chunks, chunkSize: CHUNK_SIZE },
	}),
	ndjson: (chunks) => ({ path: '/generate', body: { chunks, chunkSize: CHUNK_SIZE } }),
};

/** Passes the body through, counting its bytes. */
function countBytes(body, counter) {
	return (async function* () {
		for await (const piece of body) {
			counter.bytes += piece.byteLength;
			yield piece;
		}
	})();
}

async function streamOnce(world, format, { chunks, checkpoints = [] }) {
	const route = ROUTES[format](chunks);
	const baselineHeap = retainedHeap();
	const sampler = new MemorySampler();
	const counter = { bytes: 0 };
	const retainedAt = {};
	let decoded = 0;
	let textChars = 0;
	let firstChunkMs;
	let pausedMs = 0;

	const started = performance.now();
	const response = await world.client.invoke({ endpoint: world.endpoint, path: route.path, body: { kind: 'json', value: route.body } });
	const stream = decodeStream(countBytes(response.body, counter), { format });
	for await (const chunk of stream) {
		if (decoded === 0) firstChunkMs = performance.now() - started;
		decoded++;
		if (decoded % SAMPLE_EVERY_CHUNKS === 0) sampler.sample();
		if (chunk.text) textChars += chunk.text.length;
		// Content chunks are counted by their text: SSE has a role chunk first, NDJSON a summary line last.
		const contentChunks = textChars / CHUNK_SIZE;
		if (checkpoints.includes(contentChunks) && retainedAt[contentChunks] === undefined) {
			const pauseStarted = performance.now();
			retainedAt[contentChunks] = retainedHeap() - baselineHeap;
			pausedMs += performance.now() - pauseStarted;
		}
	}
	const elapsedMs = performance.now() - started - pausedMs;
	const memory = sampler.stop();

	if (textChars !== chunks * CHUNK_SIZE) {
		throw new Error(`${format}: expected ${chunks * CHUNK_SIZE} characters of generated text, decoded ${textChars}`);
	}
	if (format === 'sse' && !stream.endedByDoneMarker) throw new Error('sse: the stream did not end with data: [DONE]');
	return {
		name: `${format} ${chunks.toLocaleString('en-US')} chunks`,
		format,
		route: route.path,
		chunksRequested: chunks,
		chunkSize: CHUNK_SIZE,
		chunksDecoded: decoded,
		bodyBytes: counter.bytes,
		elapsedMs: round(elapsedMs, 1),
		chunksPerSecond: round((decoded / elapsedMs) * 1000, 0),
		mibPerSecond: round(counter.bytes / MIB / (elapsedMs / 1000), 2),
		timeToFirstChunkMs: round(firstChunkMs, 2),
		peakRssMiB: toMiB(memory.peakRss),
		rssGrowthMiB: toMiB(memory.peakRss - memory.baselineRss),
		peakHeapGrowthMiB: toMiB(memory.peakHeapGrowth),
		retainedHeapGrowthKiB: Object.fromEntries(Object.entries(retainedAt).map(([at, bytes]) => [at, round(bytes / 1024, 1)])),
		memorySamples: memory.samples,
	};
}

/** The run of median speed, with the memory peaks of all repeats (memory is judged by its worst case). */
async function repeatedStream(world, format, shape) {
	const repeats = [];
	for (let i = 0; i < REPEATS; i++) repeats.push(await streamOnce(world, format, shape));
	const middle = median(repeats.map((run) => run.elapsedMs));
	const representative = repeats.find((run) => run.elapsedMs === middle);
	return {
		...representative,
		peakRssMiB: Math.max(...repeats.map((run) => run.peakRssMiB)),
		rssGrowthMiB: Math.max(...repeats.map((run) => run.rssGrowthMiB)),
		peakHeapGrowthMiB: Math.max(...repeats.map((run) => run.peakHeapGrowthMiB)),
		timeToFirstChunkMs: round(median(repeats.map((run) => run.timeToFirstChunkMs)), 2),
		repeats: REPEATS,
	};
}

async function benchStreams(world) {
	const runs = [];
	for (const format of Object.keys(ROUTES)) {
		await streamOnce(world, format, { chunks: WARMUP_CHUNKS });
		runs.push(await repeatedStream(world, format, SHORT_RUN));
		runs.push(await repeatedStream(world, format, LONG_RUN));
	}
	return runs;
}

module.exports = { benchStreams };
