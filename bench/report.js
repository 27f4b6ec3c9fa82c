'use strict';
/** The results as plain-text tables on stdout, and as JSON in bench/results/latest.json. */
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const RESULTS_FILE = path.join(__dirname, 'results', 'latest.json');

function table(title, columns, rows) {
	const cells = rows.map((row) => columns.map((column) => String(column.value(row))));
	const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i].length)));
	// Numbers read best right-aligned, names left-aligned.
	const line = (values) => values.map((value, i) => (i === 0 ? value.padEnd(widths[i]) : value.padStart(widths[i]))).join('  ');
	return [title, line(columns.map((column) => column.header)), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line), ''].join('\n');
}

const number = (value) => (typeof value === 'number' ? value.toLocaleString('en-US') : String(value));

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
	return [
		`n8n-nodes-vertex-invoke bench: Node ${machine.node}, ${machine.cpus} x ${machine.cpuModel}, ${machine.totalMemoryMiB} MiB RAM, ${machine.platform}, load average ${machine.loadAverage1m} at start`,
		'',
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
		`   tokens minted during these ${controlPlane.runs.reduce((sum, r) => sum + r.calls, 0)} calls: ${controlPlane.tokensMintedDuringCalls}; in the whole bench: ${results.tokensMintedTotal}`,
		'',
		table('4. Invoke round trip, non-streamed POST /echo', latencyColumns, invoke),
		`total ${(results.durationMs / 1000).toFixed(1)} s; JSON in ${path.relative(process.cwd(), RESULTS_FILE)}`,
	].join('\n');
}

function writeResults(results) {
	mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
	writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, '\t')}\n`);
	return RESULTS_FILE;
}

module.exports = { formatReport, writeResults };
