'use strict';
/**
 * Operation waits: how many polls a wait takes and how late it notices that the operation finished, for operations
 * done after 2 s, 60 s and 30 min. The core's own waitForOperation (its defaults: first poll after 1 s, then a pause
 * of 10 % of the time waited, kept between 1 s and 20 s, up to 10 % shorter as jitter) runs in simulated time
 * (@sinonjs/fake-timers on setTimeout and Date), against an HttpSender that answers the operation as done once the
 * simulated clock has passed the finishing time; reads take no time. Each case runs several times (the jitter is
 * random) and gives the median with the range. Beside it, the same counts worked out for two schedules users have
 * otherwise: the core's schedule before (1 s growing 1.5x up to 30 s) and an n8n Wait node loop checking every 30 s.
 */
const FakeTimers = require('@sinonjs/fake-timers');

const { waitForOperation } = require('../dist/lib/operations');
const { median } = require('./stats');

const OPERATION = 'projects/bench-project/locations/us-central1/endpoints/1/operations/42';
const SECOND = 1000;
const CASES = [
	{ name: 'done after 2 s', doneAtMs: 2 * SECOND },
	{ name: 'done after 60 s', doneAtMs: 60 * SECOND },
	{ name: 'done after 30 min', doneAtMs: 30 * 60 * SECOND },
];
const RUNS = 7;

/** Answers GET operation with the operation, done once the (simulated) clock reaches `doneAt`. */
function operationSender(clock, doneAt, polls) {
	return {
		async send() {
			polls.count++;
			const done = clock.now >= doneAt;
			const bytes = new TextEncoder().encode(JSON.stringify({ name: OPERATION, done, ...(done ? { response: {} } : {}) }));
			return {
				status: 200,
				headers: { 'content-type': 'application/json' },
				body: (async function* () {
					yield bytes;
				})(),
			};
		},
	};
}

/** One simulated wait on a fresh operation: { polls, lagMs }. */
async function simulatedWait(doneAtMs) {
	const clock = FakeTimers.withGlobal(globalThis).install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
	try {
		const started = clock.now;
		const polls = { count: 0 };
		const context = { sender: operationSender(clock, started + doneAtMs, polls), baseUrl: 'https://us-central1-aiplatform.googleapis.com' };
		let noticedAt;
		const wait = waitForOperation(context, { name: OPERATION, done: false }).then(() => {
			noticedAt = clock.now;
		});
		while (noticedAt === undefined) await clock.tickAsync(100);
		await wait;
		return { polls: polls.count, lagMs: noticedAt - (started + doneAtMs) };
	} finally {
		clock.uninstall();
	}
}

/** Polls and lag of a schedule given as the pauses before each poll, from the start of the wait. */
function scheduleCounts(doneAtMs, pauses) {
	let at = 0;
	let polls = 0;
	for (const pause of pauses()) {
		at += pause;
		polls++;
		if (at >= doneAtMs) return { polls, lagMs: at - doneAtMs };
	}
	throw new Error('the schedule ended before the operation finished');
}

function* growingSchedule() {
	// The core's schedule before this one: 1 s, growing 1.5x per poll, at most 30 s.
	for (let pause = SECOND; ; pause = Math.min(30 * SECOND, pause * 1.5)) yield pause;
}

function* waitNodeLoop() {
	// Deploy without waiting, then Wait 30 s -> check -> back to Wait (examples/5 uses 65 s).
	for (;;) yield 30 * SECOND;
}

async function benchWaits({ runs = RUNS } = {}) {
	const rows = [];
	for (const { name, doneAtMs } of CASES) {
		const results = [];
		for (let run = 0; run < runs; run++) results.push(await simulatedWait(doneAtMs));
		const polls = results.map((result) => result.polls);
		const lags = results.map((result) => result.lagMs / SECOND);
		const before = scheduleCounts(doneAtMs, growingSchedule);
		const loop = scheduleCounts(doneAtMs, waitNodeLoop);
		rows.push({
			name,
			doneAtMs,
			core: { polls: median(polls), pollsMin: Math.min(...polls), pollsMax: Math.max(...polls), lagS: median(lags), lagMinS: Math.min(...lags), lagMaxS: Math.max(...lags) },
			before: { polls: before.polls, lagS: before.lagMs / SECOND },
			waitNodeLoop: { polls: loop.polls, lagS: loop.lagMs / SECOND },
		});
	}
	return { runs, rows };
}

module.exports = { benchWaits };
