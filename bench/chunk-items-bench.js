'use strict';
/**
 * The Invoke node's chunk items for a 50,000-chunk stream: what a stream costs once it is n8n items. No network and
 * no emulator: a body built in memory (OpenAI chat-completion chunks, as the sample model server streams them) is
 * decoded by the core's decodeStream and every chunk turned into an item, in two shapes:
 *
 * - before: the shape of 0.1.0, `{ chunkIndex, event: null, id: null, data, text, status, deployedModelId, headers }`
 *   on every item (the response facts repeated on each);
 * - after: the node's `chunkItemJson` (dist/nodes): text first, no null fields, the response facts on the first
 *   item only (the default; "Include Response Details on Every Chunk" puts them back on each).
 *
 * For each: the time to decode and build the items, the heap the items keep (after a full GC, while they are held,
 * as n8n holds a node's output), and the time and size of JSON.stringify over them (n8n serialises a run's items
 * to save the execution and to send them to the editor). Part 11 of bench/run.js; alone: `node --expose-gc
 * bench/chunk-items-bench.js` (after npm run build).
 */
const { performance } = require('node:perf_hooks');

const { decodeStream } = require('../dist/lib');
const { chunkItemJson } = require('../dist/nodes/VertexAiInvoke/VertexAiInvoke.node');
const { collectGarbage, retainedHeap } = require('./memory');
const { MIB, median, round } = require('./stats');

const CHUNKS = 50_000;
const TEXT_SIZE = 16;
const REPEATS = 5;
const PIECE = 16 * 1024;

/** The response facts as the node gives them by default (Content-Type and the deployed model's id). */
const DETAILS = {
	status: 200,
	deployedModelId: '7610156111225969199',
	headers: { 'content-type': 'text/event-stream', 'x-vertex-ai-deployed-model-id': '7610156111225969199' },
};

function buildBody() {
	const lines = [];
	for (let i = 0; i < CHUNKS; i++) {
		const chunk = {
			id: 'chatcmpl-bench',
			object: 'chat.completion.chunk',
			created: 1_700_000_000,
			model: 'sample-chat-model',
			choices: [{ index: 0, delta: { content: `t${i}`.padEnd(TEXT_SIZE, '.') }, finish_reason: null }],
		};
		lines.push(`data: ${JSON.stringify(chunk)}\n\n`);
	}
	lines.push('data: [DONE]\n\n');
	return Buffer.from(lines.join(''), 'utf8');
}

async function* pieces(buffer) {
	for (let offset = 0; offset < buffer.length; offset += PIECE) yield buffer.subarray(offset, offset + PIECE);
}

/** 0.1.0: `{ ...chunkJson(chunk), ...fields }` on every item. */
function beforeJson(chunk) {
	return {
		chunkIndex: chunk.index,
		event: chunk.event ?? null,
		id: chunk.id ?? null,
		data: chunk.data,
		text: chunk.text ?? null,
		...DETAILS,
	};
}

/** Now: the node's own builder, the facts on the first chunk only. */
function afterJson(chunk, index) {
	return chunkItemJson(chunk, index === 0 ? DETAILS : undefined);
}

async function once(body, toJson) {
	collectGarbage();
	const baseline = process.memoryUsage().heapUsed;
	const started = performance.now();
	const items = [];
	for await (const chunk of decodeStream(pieces(body), { format: 'sse' })) {
		items.push({ json: toJson(chunk, items.length), pairedItem: { item: 0 } });
	}
	const buildMs = performance.now() - started;
	if (items.length !== CHUNKS) throw new Error(`expected ${CHUNKS} items, built ${items.length}`);
	const retained = retainedHeap() - baseline;
	const serialiseStarted = performance.now();
	const json = JSON.stringify(items);
	const serialiseMs = performance.now() - serialiseStarted;
	const bytes = Buffer.byteLength(json);
	if (!items[1].json || (items[1].json.text ?? '').length !== TEXT_SIZE) throw new Error('an item lost its text');
	return { buildMs, retained, serialiseMs, bytes, keysOfSecond: Object.keys(items[1].json) };
}

async function measure(name, body, toJson) {
	await once(body, toJson); // warm-up
	const runs = [];
	for (let i = 0; i < REPEATS; i++) runs.push(await once(body, toJson));
	return {
		shape: name,
		'decode + build ms': round(median(runs.map((run) => run.buildMs)), 1),
		'items retained MiB': round(median(runs.map((run) => run.retained)) / MIB, 1),
		'JSON.stringify ms': round(median(runs.map((run) => run.serialiseMs)), 1),
		'JSON MiB': round(runs[0].bytes / MIB, 1),
		'fields of item #1': runs[0].keysOfSecond.join(', '),
	};
}

/** With "Include Parsed Data on Text Chunks" off: chunks that have their text leave their parsed data out. */
function textOnlyJson(chunk, index) {
	return chunkItemJson(chunk, index === 0 ? DETAILS : undefined, false);
}

async function benchChunkItems() {
	const body = buildBody();
	return {
		chunks: CHUNKS,
		bodyMiB: round(body.length / MIB, 1),
		repeats: REPEATS,
		rows: [
			await measure('before (0.1.0): response facts on every item', body, beforeJson),
			await measure('now: response facts on the first item', body, afterJson),
			await measure('Include Parsed Data on Text Chunks off', body, textOnlyJson),
		],
	};
}

if (require.main === module) {
	benchChunkItems().then(
		(results) => {
			console.log(`Chunk items: ${results.chunks.toLocaleString('en-US')} SSE chunks (${results.bodyMiB} MiB body), median of ${results.repeats} runs, Node ${process.version}`);
			console.table(results.rows);
		},
		(error) => {
			console.error(error);
			process.exitCode = 1;
		},
	);
}

module.exports = { benchChunkItems };
