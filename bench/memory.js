'use strict';
/**
 * Memory of this process while a measured run goes on: process.memoryUsage() sampled on a timer, peaks kept.
 * Node is started with --expose-gc so runs begin from a collected heap and retained heap can be read.
 */

const SAMPLE_INTERVAL_MS = 5;

/** Full collection, twice: the second pass frees what finalisers of the first released. */
function collectGarbage() {
	if (typeof global.gc !== 'function') throw new Error('run node with --expose-gc (bench/run.js does this itself)');
	global.gc();
	global.gc();
}

/** Heap in use right after a full collection: what is actually retained. */
function retainedHeap() {
	collectGarbage();
	return process.memoryUsage().heapUsed;
}

class MemorySampler {
	constructor() {
		const now = process.memoryUsage();
		this.baseline = { rss: now.rss, heapUsed: now.heapUsed };
		this.peakRss = now.rss;
		this.peakHeapUsed = now.heapUsed;
		this.samples = 0;
		this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
	}

	sample() {
		const now = process.memoryUsage();
		this.samples++;
		if (now.rss > this.peakRss) this.peakRss = now.rss;
		if (now.heapUsed > this.peakHeapUsed) this.peakHeapUsed = now.heapUsed;
	}

	stop() {
		clearInterval(this.timer);
		this.sample();
		return {
			baselineRss: this.baseline.rss,
			peakRss: this.peakRss,
			baselineHeapUsed: this.baseline.heapUsed,
			peakHeapUsed: this.peakHeapUsed,
			peakHeapGrowth: this.peakHeapUsed - this.baseline.heapUsed,
			samples: this.samples,
		};
	}
}

module.exports = { MemorySampler, collectGarbage, retainedHeap };
