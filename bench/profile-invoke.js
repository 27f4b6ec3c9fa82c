'use strict';
/**
 * A CPU profile of one contender of the throughput bench (part 5): 10,000 non-streamed POST /echo calls, 64 in flight,
 * through the same engine harness and world (engine-contenders.js, setup.js), after a warm-up. Only the measured calls
 * are profiled (V8's sampling profiler through node:inspector, the same .cpuprofile `--cpu-prof` writes, without the
 * setup and warm-up in it). Prints the wall and CPU time per call, then self time per call grouped by who runs it
 * (ours / undici / n8n / other packages / node internals / GC) and the top functions by self time.
 *
 *   node bench/profile-invoke.js [--contender fixed|expression|item|core|raw|lean] [--calls 10000] [--top 25] [--out file]
 *
 * The profile is written to bench/results/<contender>.cpuprofile (or --out); open it in Chrome DevTools or VS Code.
 */
const { writeFileSync, mkdirSync } = require('node:fs');
const inspector = require('node:inspector/promises');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.resolve(__dirname, '..');
const WARMUP_CALLS = 2_000;
const CONCURRENCY = 64;
/** V8's default sampling interval is 1 ms; finer samples make per-call figures of a 10,000-call run steadier. */
const SAMPLING_INTERVAL_US = 100;

function argument(argv, flag, fallback) {
	const index = argv.indexOf(flag);
	return index === -1 ? fallback : argv[index + 1];
}

/** Who a profile node's function belongs to, from its script URL. */
function ownerOf(callFrame) {
	const { url, functionName } = callFrame;
	if (functionName === '(garbage collector)') return 'GC';
	if (functionName === '(program)' || functionName === '(idle)' || functionName === '(root)') return functionName;
	if (url.startsWith('node:') || url === '') return 'node internals';
	const file = url.replace(/^file:\/\//, '');
	const modules = file.lastIndexOf('/node_modules/');
	if (modules !== -1) {
		const rest = file.slice(modules + '/node_modules/'.length).split('/');
		const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
		if (name === 'undici') return 'undici';
		if (name.startsWith('n8n-') || name.startsWith('@n8n/')) return 'n8n';
		return `other (${name})`;
	}
	if (file.startsWith(path.join(ROOT, 'dist') + path.sep)) return 'ours';
	if (file.startsWith(path.join(ROOT, 'bench') + path.sep)) return 'bench';
	return 'other';
}

/** Self microseconds per profile node, from the samples and their time deltas. */
function selfTimes(profile) {
	const self = new Map();
	for (let index = 0; index < profile.samples.length; index++) {
		const id = profile.samples[index];
		self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index + 1] ?? 0));
	}
	return self;
}

function summarise(profile, calls, top) {
	const self = selfTimes(profile);
	const byOwner = new Map();
	const byFunction = new Map();
	for (const node of profile.nodes) {
		const us = self.get(node.id) ?? 0;
		if (us === 0) continue;
		const owner = ownerOf(node.callFrame);
		byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
		const { functionName, url, lineNumber } = node.callFrame;
		const where = url ? `${path.relative(ROOT, url.replace(/^file:\/\//, '')) || url}:${lineNumber + 1}` : '';
		const key = `${owner}\t${functionName || '(anonymous)'}\t${where}`;
		byFunction.set(key, (byFunction.get(key) ?? 0) + us);
	}
	const perCall = (us) => (us / calls).toFixed(1).padStart(7);
	const busy = [...byOwner].filter(([owner]) => owner !== '(idle)').reduce((sum, [, us]) => sum + us, 0);
	const lines = [`self time per call (us), ${calls} calls; busy (all but idle) ${perCall(busy).trim()}`];
	for (const [owner, us] of [...byOwner].sort((a, b) => b[1] - a[1])) lines.push(`${perCall(us)}  ${owner}`);
	lines.push('', `top ${top} functions by self time (us per call, owner, function, where)`);
	for (const [key, us] of [...byFunction].filter(([key]) => !key.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
		lines.push(`${perCall(us)}  ${key.replaceAll('\t', '  ')}`);
	}
	return lines.join('\n');
}

async function contenderOf(world, name) {
	const throughput = require('./throughput-bench');
	const engine = require('./engine-contenders');
	switch (name) {
		case 'fixed':
		case 'expression':
		case 'item':
			return engine.invokeNodeContender(world, { body: name });
		case 'core':
			return throughput.coreClientContender(world);
		case 'raw':
			return throughput.rawUndiciContender(world);
		case 'lean':
			return throughput.leanRawUndiciContender(world);
		default:
			throw new Error(`--contender is fixed, expression, item, core, raw or lean, not ${JSON.stringify(name)}`);
	}
}

async function main(argv) {
	const log = (line) => process.stderr.write(`[profile] ${line}\n`);
	require('./build').ensureBuilt(log);
	const { startBenchWorld } = require('./setup');
	const contenderName = argument(argv, '--contender', 'fixed');
	const calls = Number(argument(argv, '--calls', 10_000));
	const top = Number(argument(argv, '--top', 25));
	const out = path.resolve(argument(argv, '--out', path.join(__dirname, 'results', `${contenderName}.cpuprofile`)));
	log('starting the emulator and deploying the sample model server');
	const world = await startBenchWorld();
	const session = new inspector.Session();
	try {
		const contender = await contenderOf(world, contenderName);
		try {
			await contender.run({ calls: WARMUP_CALLS, concurrency: CONCURRENCY });
			if (typeof global.gc === 'function') global.gc();
			session.connect();
			await session.post('Profiler.enable');
			await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
			await session.post('Profiler.start');
			const cpuBefore = process.cpuUsage();
			const started = performance.now();
			await contender.run({ calls, concurrency: CONCURRENCY });
			const wallMs = performance.now() - started;
			const cpu = process.cpuUsage(cpuBefore);
			const { profile } = await session.post('Profiler.stop');
			mkdirSync(path.dirname(out), { recursive: true });
			writeFileSync(out, JSON.stringify(profile));
			const loadavg = require('node:os').loadavg().map((load) => load.toFixed(2)).join(' ');
			process.stdout.write(
				`${contender.name}: ${calls} calls, ${CONCURRENCY} in flight: ${wallMs.toFixed(0)} ms wall, ` +
					`${((cpu.user + cpu.system) / calls).toFixed(1)} us CPU per call (profiler on), load ${loadavg}\n` +
					`profile: ${path.relative(process.cwd(), out)}\n\n${summarise(profile, calls, top)}\n`,
			);
		} finally {
			await contender.close();
		}
	} finally {
		session.disconnect();
		await world.close();
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		// Idle keep-alive sockets would hold the process a few seconds more.
		() => process.exit(0),
		(error) => {
			process.stderr.write(`[profile] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
			process.exit(1);
		},
	);
}

module.exports = { ownerOf, selfTimes, summarise };
