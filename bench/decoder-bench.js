'use strict';
/**
 * The core's decodeStream alone, no network: a body built in memory beforehand (50,000 events in the shape an
 * OpenAI-compatible server streams) fed in pieces of 1-64 KiB, so only decoding is measured.
 */
const { performance } = require('node:perf_hooks');

const { decodeStream } = require('../dist/lib');
const { collectGarbage } = require('./memory');
const { MIB, median, round } = require('./stats');

const EVENTS = 50_000;
const TEXT_SIZE = 16;
const REPEATS = 5;
const KIB = 1024;

function completionChunk(index) {
	return {
		id: 'chatcmpl-bench',
		object: 'chat.completion.chunk',
		created: 1_700_000_000,
		model: 'bench',
		choices: [{ index: 0, delta: { content: `t${index}`.padEnd(TEXT_SIZE, '.') }, finish_reason: null }],
	};
}

function buildBody(format) {
	const lines = [];
	for (let i = 0; i < EVENTS; i++) {
		const json = JSON.stringify(completionChunk(i));
		lines.push(format === 'sse' ? `data: ${json}\n\n` : `${json}\n`);
	}
	if (format === 'sse') lines.push('data: [DONE]\n\n');
	return Buffer.from(lines.join(''), 'utf8');
}

/** A small seeded generator, so the "mixed" piece sizes are the same on every run. */
function seededRandom(seed) {
	let state = seed >>> 0;
	return () => {
		state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
		return state / 2 ** 32;
	};
}

/** Piece sizes: a fixed size, or 'mixed' = uniformly 1-64 KiB. */
function pieceSizer(size) {
	if (size !== 'mixed') return () => size;
	const random = seededRandom(42);
	return () => KIB + Math.floor(random() * 63 * KIB);
}

async function* pieces(buffer, nextSize) {
	for (let offset = 0; offset < buffer.length; ) {
		const end = Math.min(buffer.length, offset + nextSize());
		yield buffer.subarray(offset, end);
		offset = end;
	}
}

async function decodeOnce(buffer, format, size) {
	collectGarbage();
	const started = performance.now();
	let decoded = 0;
	let textChars = 0;
	for await (const chunk of decodeStream(pieces(buffer, pieceSizer(size)), { format })) {
		decoded++;
		if (chunk.text) textChars += chunk.text.length;
	}
	const elapsedMs = performance.now() - started;
	if (decoded !== EVENTS || textChars !== EVENTS * TEXT_SIZE) {
		throw new Error(`decoder ${format}: expected ${EVENTS} chunks of ${TEXT_SIZE} characters, got ${decoded} chunks, ${textChars} characters`);
	}
	return elapsedMs;
}

const CASES = [
	{ format: 'sse', size: 1 * KIB },
	{ format: 'sse', size: 4 * KIB },
	{ format: 'sse', size: 16 * KIB },
	{ format: 'sse', size: 64 * KIB },
	{ format: 'sse', size: 'mixed' },
	{ format: 'ndjson', size: 'mixed' },
];

async function benchDecoder() {
	const bodies = { sse: buildBody('sse'), ndjson: buildBody('ndjson') };
	await decodeOnce(bodies.sse, 'sse', 16 * KIB); // warm-up: JIT, parser code paths
	const runs = [];
	for (const { format, size } of CASES) {
		const times = [];
		for (let i = 0; i < REPEATS; i++) times.push(await decodeOnce(bodies[format], format, size));
		const elapsedMs = median(times);
		runs.push({
			name: `${format}, ${size === 'mixed' ? '1-64 KiB mixed' : `${size / KIB} KiB`} pieces`,
			format,
			pieceSize: size === 'mixed' ? '1-64 KiB' : `${size / KIB} KiB`,
			events: EVENTS,
			bodyBytes: bodies[format].length,
			elapsedMs: round(elapsedMs, 1),
			chunksPerSecond: round((EVENTS / elapsedMs) * 1000, 0),
			mibPerSecond: round(bodies[format].length / MIB / (elapsedMs / 1000), 1),
			repeats: REPEATS,
		});
	}
	return runs;
}

module.exports = { benchDecoder };
