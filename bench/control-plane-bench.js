'use strict';
/** GET endpoint through the core client: latency sequentially and with 16 in flight, and how many tokens that cost. */
const { measureLatency } = require('./latency');

const CALLS = 200;
const WARMUP_CALLS = 10;

async function benchControlPlane(world) {
	const getEndpoint = async () => {
		const endpoint = await world.client.getEndpoint(world.endpoint);
		if (!endpoint.dedicatedEndpointEnabled) throw new Error('GET endpoint answered an endpoint that is not dedicated');
	};
	await measureLatency({ count: WARMUP_CALLS, concurrency: 1, call: getEndpoint });
	const before = (await world.stats()).tokensMinted;
	const runs = [];
	for (const concurrency of [1, 16]) {
		runs.push({ name: `GET endpoint, concurrency ${concurrency}`, ...(await measureLatency({ count: CALLS, concurrency, call: getEndpoint })) });
	}
	const after = (await world.stats()).tokensMinted;
	return { runs, tokensMintedDuringCalls: after - before };
}

module.exports = { benchControlPlane };
