'use strict';
/** The results as plain-text tables on stdout, and as JSON in bench/results/latest.json. */
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const { formatInstalledSize } = require('./installed-size');
const { formatQueueMode } = require('./queue-bench');
const { number, table } = require('./table');

const RESULTS_FILE = path.join(__dirname, 'results', 'latest.json');

const range = (summary, digits = 0) => `${summary.median.toFixed(digits)} (${summary.min.toFixed(digits)}-${summary.max.toFixed(digits)})`;
const ratio = (value) => `${value.toFixed(2)}x`;

/** A table of streams side by side (section 6 and its other servers). */
function streamTable(title, rows) {
	return table(
		title,
		[
			{ header: 'contender', value: (r) => r.name },
			{ header: 'wall ms', value: (r) => range(r.wallMs) },
			{ header: 'CPU ms', value: (r) => range(r.cpuMs) },
			{ header: 'CPU us/chunk', value: (r) => r.cpuUsPerChunk.toFixed(1) },
			{ header: 'CPU vs raw', value: (r) => ratio(r.cpuRatio) },
			{ header: 'rounds with a full GC', value: (r) => `${r.roundsWithFullCollection} of ${r.roundCount}` },
			{
				header: 'CPU vs raw, rounds without',
				value: (r) => (r.cpuRatioWithoutFullCollection === null ? '-' : ratio(r.cpuRatioWithoutFullCollection)),
			},
			{
				header: 'right after a forced GC: CPU vs raw (full GCs)',
				value: (r) => `${ratio(r.cpuRatioAfterCollection)} (${r.afterCollectionWithFullCollection} of ${r.afterCollection.length})`,
			},
			{ header: 'peak RSS MiB', value: (r) => r.peakRssMiB.toFixed(1) },
			{ header: 'peak heap +MiB', value: (r) => r.peakHeapGrowthMiB.toFixed(1) },
		],
		rows,
	);
}

/** Sections 5 to 9: the contenders side by side, the waits, the installed size, queue mode. */
function formatSideBySide(results) {
	const { throughput, streamsSideBySide, dialectStreams, firstChunk, waits, installedSize, queueMode, chunkItems } = results;
	const sections = [];
	if (throughput) {
		const first = throughput[0];
		sections.push(
			table(
				`5. Invoke throughput side by side: ${number(first.calls)} POST /echo, ${first.concurrency} in flight, median of 5 rounds (range); CPU is this process's (the emulator and model server run apart)`,
				[
					{ header: 'contender', value: (r) => r.name },
					{ header: 'wall ms', value: (r) => range(r.wallMs) },
					{ header: 'wall vs raw', value: (r) => ratio(r.wallRatio) },
					{ header: 'CPU us/call', value: (r) => number(r.cpuUsPerCall) },
					{ header: 'CPU vs raw', value: (r) => ratio(r.cpuRatio) },
					{ header: 'tokens minted/run', value: (r) => number(r.tokensMintedPerRun) },
					{ header: 'peak requests in flight', value: (r) => (r.peakInFlight === undefined ? '' : number(r.peakInFlight)) },
				],
				throughput,
			),
		);
	}
	if (streamsSideBySide) {
		sections.push(
			streamTable(`6. Streaming side by side: ${number(streamsSideBySide[0].chunks)} SSE chunks of 16 characters, median of ${streamsSideBySide[0].roundCount} rounds (range), each timed run right after an untimed one of its own; memory: this process, worst run after a forced GC`, streamsSideBySide),
		);
	}
	for (const { dialect, route, rows } of dialectStreams ?? []) {
		sections.push(streamTable(`6c. Streaming side by side, ${dialect} (POST ${route}): ${number(rows[0].chunks)} SSE chunks of 16 characters, median of ${rows[0].roundCount} rounds (range), each timed run right after an untimed one of its own`, rows));
	}
	if (firstChunk) {
		sections.push(
			table(
				`7. First chunk: a server that sends one chunk, then pauses ${firstChunk.pauseMs} ms; median of ${firstChunk.rounds} (range). The rest of each time is the emulator and model server answering (they share the 2 cores)`,
				[
					{ header: 'contender', value: (r) => r.name },
					{ header: 'first chunk ms', value: (r) => `${r.medianMs.toFixed(2)} (${r.minMs.toFixed(2)}-${r.maxMs.toFixed(2)})` },
					{ header: 'vs raw', value: (r) => ratio(r.ratio) },
					{ header: 'own ms: to the request + headers to the chunk (median)', value: (r) => r.ownMs.toFixed(2) },
				],
				firstChunk.rows,
			),
		);
	}
	if (waits) {
		sections.push(
			table(
				`8. Operation waits, simulated time: polls, and seconds between the operation finishing and the wait noticing (core: median of ${waits.runs} runs, range)`,
				[
					{ header: 'operation', value: (r) => r.name },
					{ header: 'core polls', value: (r) => `${r.core.polls} (${r.core.pollsMin}-${r.core.pollsMax})` },
					{ header: 'core late s', value: (r) => `${r.core.lagS.toFixed(1)} (${r.core.lagMinS.toFixed(1)}-${r.core.lagMaxS.toFixed(1)})` },
					{ header: 'before: polls', value: (r) => r.before.polls },
					{ header: 'before: late s', value: (r) => r.before.lagS.toFixed(1) },
					{ header: 'Wait node 30 s loop: polls', value: (r) => r.waitNodeLoop.polls },
					{ header: 'loop: late s', value: (r) => r.waitNodeLoop.lagS.toFixed(1) },
				],
				waits.rows,
			),
		);
	}
	if (chunkItems) {
		sections.push(
			table(
				`6b. One item per chunk, in memory (no network): ${number(chunkItems.chunks)} SSE chunks decoded and made items, median of ${chunkItems.repeats}; the items' heap while held, and JSON.stringify over them (n8n serialises a run's items to save and show them)`,
				[
					{ header: 'item shape', value: (r) => r.shape },
					{ header: 'decode + build ms', value: (r) => r['decode + build ms'] },
					{ header: 'items retained MiB', value: (r) => r['items retained MiB'] },
					{ header: 'JSON.stringify ms', value: (r) => r['JSON.stringify ms'] },
					{ header: 'JSON MiB', value: (r) => r['JSON MiB'] },
				],
				chunkItems.rows,
			),
		);
	}
	if (installedSize) sections.push(`9. ${formatInstalledSize(installedSize)}`);
	if (queueMode) sections.push(formatQueueMode(queueMode));
	return sections;
}




function formatReport(results) {
	const { machine, streams, decoder, controlPlane, invoke } = results;
	const latencyColumns = [
		{ header: 'run', value: (r) => r.name },
		{ header: 'calls', value: (r) => number(r.calls) },
		{ header: 'p50 ms', value: (r) => r.p50Ms.toFixed(2) },
		{ header: 'p95 ms', value: (r) => r.p95Ms.toFixed(2) },
		{ header: 'max ms', value: (r) => r.maxMs.toFixed(2) },
		{ header: 'calls/s', value: (r) => number(r.callsPerSecond) },
	];
	const client = streams
		? [
			table(
				'1. Streamed invoke through the emulator, decoded with decodeStream (median of 5 runs; memory: worst of 5, this process only)',
				[
					{ header: 'run', value: (r) => r.name },
					{ header: 'chunks/s', value: (r) => number(r.chunksPerSecond) },
					{ header: 'MiB/s', value: (r) => r.mibPerSecond.toFixed(2) },
					{ header: 'first chunk ms', value: (r) => r.timeToFirstChunkMs.toFixed(2) },
					{ header: 'peak RSS MiB', value: (r) => r.peakRssMiB.toFixed(1) },
					{ header: 'peak heap +MiB', value: (r) => r.peakHeapGrowthMiB.toFixed(1) },
					{ header: 'retained heap +KiB at chunk', value: (r) => Object.entries(r.retainedHeapGrowthKiB).map(([at, kib]) => `${number(Number(at))}: ${kib}`).join(', ') },
				],
				streams,
			),
			table(
				'2. decodeStream alone on an in-memory body of 50,000 events (median of 5)',
				[
					{ header: 'run', value: (r) => r.name },
					{ header: 'body MiB', value: (r) => (r.bodyBytes / 1024 / 1024).toFixed(1) },
					{ header: 'chunks/s', value: (r) => number(r.chunksPerSecond) },
					{ header: 'MiB/s', value: (r) => r.mibPerSecond.toFixed(1) },
					{ header: 'ms', value: (r) => r.elapsedMs.toFixed(1) },
				],
				decoder,
			),
			table('3. Control plane: GET endpoint through the core client', latencyColumns, controlPlane.runs),
			`   tokens minted during these ${controlPlane.runs.reduce((sum, r) => sum + r.calls, 0)} calls: ${controlPlane.tokensMintedDuringCalls}; in parts 1-4 (one client): ${results.tokensMintedTotal}`,
			'',
			table('4. Invoke round trip, non-streamed POST /echo', latencyColumns, invoke),
			]
		: [];
	return [
		`n8n-nodes-vertex-invoke bench: Node ${machine.node}, ${machine.cpus} x ${machine.cpuModel}, ${machine.totalMemoryMiB} MiB RAM, ${machine.platform}, load average ${machine.loadAverage1m} at start`,
		'',
		...client,
		...formatSideBySide(results),
		`total ${(results.durationMs / 1000).toFixed(1)} s; JSON in ${path.relative(process.cwd(), RESULTS_FILE)}`,
	].join('\n');
}

function writeResults(results) {
	mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
	writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, '\t')}\n`);
	return RESULTS_FILE;
}

module.exports = { formatReport, writeResults };
