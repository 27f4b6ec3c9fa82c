'use strict';
/** Small numeric helpers: percentiles of latency samples and rounding for the report. */

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
function percentile(samples, p) {
	if (samples.length === 0) return NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function median(samples) {
	return percentile(samples, 50);
}

function round(value, digits = 2) {
	const scale = 10 ** digits;
	return Math.round(value * scale) / scale;
}

const MIB = 1024 * 1024;

function toMiB(bytes) {
	return round(bytes / MIB, 1);
}

module.exports = { percentile, median, round, toMiB, MIB };
