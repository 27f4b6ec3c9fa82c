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
const WATCHDOG_MS = 20 * 60_000;

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

/** Every part of the bench, in the order it runs; `--only name,name` runs some of them. */
const PARTS = ['client', 'throughput', 'streams', 'dialect-streams', 'first-chunk', 'waits', 'size', 'chunk-items', 'queue'];

function selectedParts(argv) {
	const index = argv.indexOf('--only');
	if (index === -1) return new Set(PARTS);
	const wanted = String(argv[index + 1] ?? '').split(',').filter(Boolean);
	const unknown = wanted.filter((part) => !PARTS.includes(part));
	if (unknown.length > 0 || wanted.length === 0) throw new Error(`--only takes some of ${PARTS.join(', ')} (got ${argv[index + 1] ?? 'nothing'})`);
	return new Set(wanted);
}

async function main() {
	const log = (line) => process.stderr.write(`[bench] ${line}\n`);
	const parts = selectedParts(process.argv.slice(2));
	require('./build').ensureBuilt(log);
	// Required only now: they load dist/, which the build above may just have written.
	const { startBenchWorld } = require('./setup');
	const { benchStreams } = require('./stream-bench');
	const { benchDecoder } = require('./decoder-bench');
	const { benchControlPlane } = require('./control-plane-bench');
	const { benchInvokeRoundTrip } = require('./invoke-bench');
	const { benchThroughput } = require('./throughput-bench');
	const { benchDialectStreamsSideBySide, benchFirstChunk, benchStreamsSideBySide } = require('./stream-side-by-side');
	const { benchWaits } = require('./waits-bench');
	const { benchQueueMode } = require('./queue-bench');
	const { formatReport, writeResults } = require('./report');

	const started = performance.now();
	const results = { startedAt: new Date().toISOString(), machine: machineFacts(), parts: [...parts] };
	log('starting the emulator and deploying the sample model server');
	const world = await startBenchWorld();
	try {
		if (parts.has('client')) {
			log('1-4 the core client: streamed invoke, decoder alone, control plane, invoke round trip');
			results.streams = await benchStreams(world);
			results.decoder = await benchDecoder();
			results.controlPlane = await benchControlPlane(world);
			results.invoke = await benchInvokeRoundTrip(world);
			// One client did all of parts 1-4: one token is expected (the HTTP Request contenders below mint their own).
			results.tokensMintedTotal = (await world.stats()).tokensMinted;
		}
		if (parts.has('throughput')) {
			log('5 invoke throughput side by side (10,000 calls x 5 rounds per contender; the Google credential one is the slowest)');
			results.throughput = await benchThroughput(world);
		}
		if (parts.has('streams')) {
			log('6 streaming side by side (50,000 chunks)');
			results.streamsSideBySide = await benchStreamsSideBySide(world);
		}
		if (parts.has('dialect-streams')) {
			log('6c other servers\' streams side by side: vLLM reasoning, llama.cpp native (50,000 chunks each)');
			results.dialectStreams = await benchDialectStreamsSideBySide(world);
		}
		if (parts.has('first-chunk')) {
			log('7 first chunk');
			results.firstChunk = await benchFirstChunk(world);
		}
	} finally {
		await world.close();
	}
	if (parts.has('waits')) {
		log('8 operation waits (simulated time)');
		results.waits = await benchWaits();
	}
	if (parts.has('size')) {
		log('9 installed size');
		results.installedSize = await require('./installed-size').measureInstalledSize({ log });
	}
	if (parts.has('chunk-items')) {
		log('6b chunk item shapes (in memory)');
		results.chunkItems = await require('./chunk-items-bench').benchChunkItems();
	}
	// Last and on its own: it starts n8n processes, Redis and PostgreSQL, which would load the machine under the others.
	if (parts.has('queue')) {
		log('10 n8n regular and queue mode');
		results.queueMode = await benchQueueMode({ log });
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
