'use strict';
/**
 * `npm run bench`: builds dist if it is missing or stale, then measures the core client against the emulator over
 * 127.0.0.1 (streamed invoke, decoder alone, control plane, invoke round trip), prints tables and writes
 * bench/results/latest.json. Every loop is bounded and a watchdog ends a run that hangs.
 */
const { spawnSync } = require('node:child_process');
const os = require('node:os');
const { performance } = require('node:perf_hooks');

const MIN_NODE_MAJOR = 24;
const WATCHDOG_MS = 5 * 60_000;

/**
 * Memory is read after full collections, which needs --expose-gc: run this file again with the flag when it is
 * missing. Returns only when this process can run the bench.
 */
function relaunchWithGcIfNeeded() {
	const major = Number(process.versions.node.split('.')[0]);
	if (major < MIN_NODE_MAJOR) {
		process.stderr.write(`[bench] Node ${process.versions.node} is too old: use the project's Node ${MIN_NODE_MAJOR} (npm run bench puts node_modules/.bin first on PATH)\n`);
		process.exit(1);
	}
	if (typeof global.gc === 'function') return;
	const result = spawnSync(process.execPath, ['--expose-gc', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
	process.exit(result.status ?? 1);
}

function machineFacts() {
	const cpus = os.cpus();
	return {
		cpus: cpus.length,
		cpuModel: cpus[0]?.model.trim() ?? 'unknown',
		totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
		platform: `${os.platform()} ${os.release()} ${os.arch()}`,
		node: process.versions.node,
		// Other work on the machine shows up in every number: keep it beside them.
		loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
	};
}

async function main() {
	const log = (line) => process.stderr.write(`[bench] ${line}\n`);
	require('./build').ensureBuilt(log);
	// Required only now: they load dist/, which the build above may just have written.
	const { startBenchWorld } = require('./setup');
	const { benchStreams } = require('./stream-bench');
	const { benchDecoder } = require('./decoder-bench');
	const { benchControlPlane } = require('./control-plane-bench');
	const { benchInvokeRoundTrip } = require('./invoke-bench');
	const { formatReport, writeResults } = require('./report');

	const started = performance.now();
	log('starting the emulator and deploying the sample model server');
	const world = await startBenchWorld();
	let results;
	try {
		log('1/4 streamed invoke (SSE and NDJSON, 5,000 and 50,000 chunks)');
		const streams = await benchStreams(world);
		log('2/4 decoder alone');
		const decoder = await benchDecoder();
		log('3/4 control plane');
		const controlPlane = await benchControlPlane(world);
		log('4/4 invoke round trip');
		const invoke = await benchInvokeRoundTrip(world);
		const stats = await world.stats();
		results = {
			startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
			machine: machineFacts(),
			streams,
			decoder,
			controlPlane,
			invoke,
			tokensMintedTotal: stats.tokensMinted,
			durationMs: 0,
		};
	} finally {
		await world.close();
	}
	results.durationMs = Math.round(performance.now() - started);
	writeResults(results);
	process.stdout.write(`${formatReport(results)}\n`);
}

relaunchWithGcIfNeeded();
const watchdog = setTimeout(() => {
	process.stderr.write(`[bench] gave up after ${WATCHDOG_MS / 60_000} minutes\n`);
	process.exit(1);
}, WATCHDOG_MS);
main().then(
	() => {
		clearTimeout(watchdog);
		// Idle keep-alive sockets (e.g. the token exchange's) would hold the process a few seconds more.
		process.exit(0);
	},
	(error) => {
		process.stderr.write(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
