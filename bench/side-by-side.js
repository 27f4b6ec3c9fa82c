'use strict';
/**
 * Contenders measured side by side: every round runs each contender once, in an order rotated from round to round,
 * so a slow spell of the machine falls on all of them rather than on one. Per run: wall time and this process's CPU
 * (user + system, process.cpuUsage), after a full GC so one contender's garbage is not collected on the next one's
 * clock. The summary is the median of the rounds with the range, and each as a ratio to the first contender (the
 * raw one).
 */
const { performance } = require('node:perf_hooks');

const { collectGarbage } = require('./memory');
const { median, round } = require('./stats');

/**
 * `contenders`: `[{ name, run: (round) => Promise<object | void> }]`, the reference first. What `run` returns (e.g.
 * peak memory, requests in flight) is reported beside the times: a number as its highest over the rounds.
 */
async function sideBySide(contenders, { rounds }) {
	const samples = new Map(contenders.map((contender) => [contender.name, { wallMs: [], cpuMs: [], extras: [] }]));
	for (let roundIndex = 0; roundIndex < rounds; roundIndex++) {
		for (let offset = 0; offset < contenders.length; offset++) {
			const contender = contenders[(roundIndex + offset) % contenders.length];
			collectGarbage();
			const cpuBefore = process.cpuUsage();
			const started = performance.now();
			const extra = await contender.run(roundIndex);
			const wallMs = performance.now() - started;
			const cpu = process.cpuUsage(cpuBefore);
			const sample = samples.get(contender.name);
			sample.wallMs.push(wallMs);
			sample.cpuMs.push((cpu.user + cpu.system) / 1000);
			sample.extras.push(extra ?? {});
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
		return { name: contender.name, wallMs: summarise(sample.wallMs), cpuMs: summarise(sample.cpuMs), ...reported, rounds };
	});
	const reference = rows[0];
	for (const row of rows) {
		row.wallRatio = round(row.wallMs.median / reference.wallMs.median, 2);
		row.cpuRatio = round(row.cpuMs.median / reference.cpuMs.median, 2);
	}
	return rows;
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
