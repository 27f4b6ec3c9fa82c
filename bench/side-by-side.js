'use strict';
/**
 * Contenders measured side by side: every round runs each contender once, in an order rotated from round to round,
 * so a slow spell of the machine falls on all of them rather than on one. Per run: wall time and this process's CPU
 * (user + system, process.cpuUsage), after a full GC so one contender's garbage is not collected on the next one's
 * clock. The summary is the median of the rounds with the range, and each as a ratio to the first contender (the
 * raw one).
 *
 * With `steady`, no full GC is forced before a timed run: each turn is a run of the contender that is not timed,
 * then the timed one. A forced full GC leaves a heap no long-running process has, and the runs after it pay for that:
 * V8 sets the old generation's limit just above what is live and often starts a full collection of its own one or
 * two runs later, and even a plain allocation loop takes about a quarter more CPU right after one (measured; see
 * bench/README.md, part 6). The untimed run takes what another contender left (its garbage, a pending collection),
 * so the timed one starts where the contender's own work leaves the heap, as a workflow run in an n8n that ran it
 * before. Then `afterCollection` more rounds time each contender right after a
 * forced full GC (the method without `steady`), kept as `afterCollection` on each row for comparison; a contender
 * measuring memory from its start should read it there, where the start holds no garbage.
 */
const { performance } = require('node:perf_hooks');

const { collectGarbage } = require('./memory');
const { median, round } = require('./stats');

/**
 * `contenders`: `[{ name, run: (round) => Promise<object | void> }]`, the reference first. What `run` returns (e.g.
 * peak memory, requests in flight) is reported beside the times: a number as its highest over the rounds.
 */
async function sideBySide(contenders, { rounds, steady = false, afterCollection = 3 }) {
	const samples = new Map(contenders.map((contender) => [contender.name, { wallMs: [], cpuMs: [], extras: [], afterCollection: [] }]));
	for (let roundIndex = 0; roundIndex < rounds; roundIndex++) {
		for (const contender of rotated(contenders, roundIndex)) {
			if (steady) await contender.run(roundIndex);
			else collectGarbage();
			const { wallMs, cpuMs, ...extra } = await timedRun(contender, roundIndex);
			const sample = samples.get(contender.name);
			sample.wallMs.push(wallMs);
			sample.cpuMs.push(cpuMs);
			sample.extras.push(extra);
		}
	}
	for (let roundIndex = 0; steady && roundIndex < afterCollection; roundIndex++) {
		for (const contender of rotated(contenders, roundIndex)) {
			collectGarbage();
			samples.get(contender.name).afterCollection.push(await timedRun(contender, rounds + roundIndex));
		}
	}
	const summarise = (values) => ({ median: round(median(values), 1), min: round(Math.min(...values), 1), max: round(Math.max(...values), 1) });
	const rows = contenders.map((contender) => {
		const sample = samples.get(contender.name);
		// What a run reported itself: numbers as their worst (highest) over the rounds, anything else as last given.
		const reported = {};
		for (const extra of sample.extras) {
			for (const [key, value] of Object.entries(extra)) {
				reported[key] = typeof value === 'number' && typeof reported[key] === 'number' ? Math.max(reported[key], value) : value;
			}
		}
		// Each round's own CPU and report too, for a caller that sorts rounds (e.g. by whether V8 did a full collection).
		const rounds = sample.extras.map((extra, i) => ({ ...extra, cpuMs: sample.cpuMs[i] }));
		const row = { name: contender.name, wallMs: summarise(sample.wallMs), cpuMs: summarise(sample.cpuMs), ...reported, rounds };
		if (steady) row.afterCollection = sample.afterCollection;
		return row;
	});
	const reference = rows[0];
	const afterCollectionCpu = (row) => median(row.afterCollection.map((run) => run.cpuMs));
	for (const row of rows) {
		row.wallRatio = round(row.wallMs.median / reference.wallMs.median, 2);
		row.cpuRatio = round(row.cpuMs.median / reference.cpuMs.median, 2);
		if (steady) row.cpuRatioAfterCollection = round(afterCollectionCpu(row) / afterCollectionCpu(reference), 2);
	}
	return rows;
}

/** The contenders in the order of round `roundIndex`: each round starts one further along. */
const rotated = (contenders, roundIndex) => contenders.map((_, offset) => contenders[(roundIndex + offset) % contenders.length]);

/** One run: its wall time and this process's CPU in ms, beside what the run reported. */
async function timedRun(contender, roundIndex) {
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	const extra = await contender.run(roundIndex);
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	return { ...extra, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Starts `call(i)` for i in 0..count-1, at most `concurrency` at once; the first failure ends the batch. */
async function inParallel(count, concurrency, call) {
	let next = 0;
	const worker = async () => {
		while (next < count) await call(next++);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

module.exports = { inParallel, sideBySide };
