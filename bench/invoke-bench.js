'use strict';
/** Non-streamed invoke round trips (POST /echo through the emulator's invoke route) at concurrency 1 and 16. */
const { measureLatency } = require('./latency');

const CALLS = 400;
const WARMUP_CALLS = 20;

async function benchInvokeRoundTrip(world) {
	const echo = async (i) => {
		const response = await world.client.invoke({ endpoint: world.endpoint, path: '/echo', body: { kind: 'json', value: { request: i } } });
		const answer = await response.json();
		// The model server must have seen this very request, not some cached or misrouted answer.
		if (answer.path !== '/echo' || JSON.parse(answer.body).request !== i) {
			throw new Error(`/echo answered something else for request ${i}: ${JSON.stringify(answer).slice(0, 200)}`);
		}
	};
	await measureLatency({ count: WARMUP_CALLS, concurrency: 4, call: echo });
	const runs = [];
	for (const concurrency of [1, 16]) {
		runs.push({ name: `invoke /echo, concurrency ${concurrency}`, ...(await measureLatency({ count: CALLS, concurrency, call: echo })) });
	}
	return runs;
}

module.exports = { benchInvokeRoundTrip };
