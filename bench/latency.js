'use strict';
/** Runs a call a fixed number of times with a fixed number of workers and summarises the per-call latency. */
const { performance } = require('node:perf_hooks');

const { percentile, round } = require('./stats');

/**
 * `call(i)` is started `count` times in total, at most `concurrency` at once. Any failure stops the run:
 * a latency figure from partly failed calls would mislead.
 */
async function measureLatency({ count, concurrency, call }) {
	const latencies = [];
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const i = next++;
			const started = performance.now();
			await call(i);
			latencies.push(performance.now() - started);
		}
	};
	const started = performance.now();
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
	const elapsedMs = performance.now() - started;
	return {
		calls: latencies.length,
		concurrency,
		p50Ms: round(percentile(latencies, 50)),
		p95Ms: round(percentile(latencies, 95)),
		maxMs: round(Math.max(...latencies)),
		callsPerSecond: round((latencies.length / elapsedMs) * 1000, 0),
	};
}

module.exports = { measureLatency };
