'use strict';
/**
 * Invoke throughput side by side: the same 10,000 small non-streamed calls (POST /echo with `{ request: i }`, 64 in
 * flight) through raw undici (and, as the floor for a fixed body, undici sending one text and reading text), the core client, the Invoke node in n8n-core's engine, and n8n's HTTP Request node
 * with a fixed Bearer header and with n8n's Google Service Account credential. Every answer is checked against the
 * request it was sent with. Tokens minted are the emulator's own count over each contender's runs.
 */
const { assertEchoAnswer, assertFixedEchoAnswer, engineContenderFactories, FIXED_BODY_TEXT } = require('./engine-contenders');
const { invokeUrl, rawClient } = require('./raw-client');
const { inParallel, sideBySide } = require('./side-by-side');

const CALLS = 10_000;
const CONCURRENCY = 64;
const ROUNDS = 5;
const WARMUP_CALLS = 500;

async function rawUndiciContender(world) {
	const raw = await rawClient(world, { connections: CONCURRENCY });
	const url = invokeUrl(world, '/echo');
	return {
		name: 'raw undici',
		run: async ({ calls, concurrency }) =>
			inParallel(calls, concurrency, async (i) => {
				const response = await raw.post(url, { request: i });
				if (response.statusCode !== 200) throw new Error(`raw undici: /echo answered ${response.statusCode}`);
				assertEchoAnswer(await response.body.json(), i, 'raw undici');
			}),
		close: () => raw.close(),
	};
}

/** The floor for a fixed body: undici `request()` sending the same text and reading the answer as text. */
async function leanRawUndiciContender(world) {
	const raw = await rawClient(world, { connections: CONCURRENCY });
	const url = invokeUrl(world, '/echo');
	return {
		name: 'raw undici, fixed body, answer as text',
		run: async ({ calls, concurrency }) =>
			inParallel(calls, concurrency, async (i) => {
				const response = await raw.postText(url, FIXED_BODY_TEXT);
				if (response.statusCode !== 200) throw new Error(`lean raw undici: /echo answered ${response.statusCode}`);
				assertFixedEchoAnswer(JSON.parse(response.text), i);
			}),
		close: () => raw.close(),
	};
}

async function coreClientContender(world) {
	return {
		name: 'core client',
		run: async ({ calls, concurrency }) =>
			inParallel(calls, concurrency, async (i) => {
				const response = await world.client.invoke({ endpoint: world.endpoint, path: '/echo', body: { kind: 'json', value: { request: i } } });
				assertEchoAnswer(await response.json(), i, 'core client');
			}),
		close: async () => undefined,
	};
}

async function benchThroughput(world, { calls = CALLS, concurrency = CONCURRENCY, rounds = ROUNDS } = {}) {
	const factories = [rawUndiciContender, leanRawUndiciContender, coreClientContender, ...engineContenderFactories()];
	const contenders = [];
	try {
		for (const factory of factories) contenders.push(await factory(world));
		for (const contender of contenders) await contender.run({ calls: WARMUP_CALLS, concurrency });
		const tokens = new Map(contenders.map((contender) => [contender.name, 0]));
		const measured = contenders.map((contender) => ({
			name: contender.name,
			run: async () => {
				const before = (await world.stats()).tokensMinted;
				// Tokens are counted here for every contender alike; a contender reports the rest (requests in flight).
				const facts = await contender.run({ calls, concurrency });
				tokens.set(contender.name, tokens.get(contender.name) + (await world.stats()).tokensMinted - before);
				return facts;
			},
		}));
		const rows = await sideBySide(measured, { rounds });
		for (const row of rows) {
			row.calls = calls;
			row.concurrency = concurrency;
			row.cpuUsPerCall = Math.round((row.cpuMs.median * 1000) / calls);
			row.tokensMintedPerRun = tokens.get(row.name) / rounds;
		}
		return rows;
	} finally {
		for (const contender of contenders) await contender.close();
	}
}

module.exports = { benchThroughput, coreClientContender, leanRawUndiciContender, rawUndiciContender, CALLS, CONCURRENCY };
