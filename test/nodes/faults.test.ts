/**
 * A fault soak through the Invoke node: every fault kind of the emulator, armed at random on a share of the
 * invoke calls, 60 items at a concurrency of 8, with Continue On Fail on (errors on the error output) and off.
 * Counted each time: one outcome per input item (pairedItem right, errors as error items), and the requests the
 * emulator saw (one per item: retries are off). Faults of operations, health checks and DNS do not strike invoke
 * calls: for them the soak checks that nothing struck and every item succeeded.
 */
import type { IDataObject } from 'n8n-workflow';

import { FAULT_KINDS, type FaultKind, type FaultRule } from '../../emulator';
import { chain, sourceNode } from '../harness/n8n-engine';
import { TYPE, deployModel, emulatorWithCredential, expectNoSecrets, locator, runNodes, type DeployedModel, type NodeEnv } from './support';

const ITEMS = 60;
const CONCURRENCY = 8;
const RATE = 0.3;

/** The kinds that strike an invoke call (at entry or in its stream), and those that only delay it. */
const STRIKING: ReadonlySet<FaultKind> = new Set(['rate-limit', 'unavailable', 'reset', 'cut-stream']);
const DELAYING: ReadonlySet<FaultKind> = new Set(['slow-headers', 'slow-body']);

let env: NodeEnv;
let chat: DeployedModel;
const started = Date.now();
const counts: string[] = [];

beforeAll(async () => {
	env = await emulatorWithCredential();
	chat = await deployModel(env, { modelId: 'soak-model', endpointId: 'soak-endpoint' });
}, 30_000);

afterAll(async () => {
	console.log(`fault soak (${ITEMS} items, concurrency ${CONCURRENCY}, rate ${RATE}), ${((Date.now() - started) / 1000).toFixed(1)} s:\n${counts.join('\n')}`);
	await env?.close();
});

async function armedFaults(): Promise<FaultRule[]> {
	const response = await fetch(`${env.emulator.baseUrl}/emulator/faults`);
	return ((await response.json()) as { faults: FaultRule[] }).faults;
}

async function soak(kind: FaultKind, continueOnFail: boolean) {
	await fetch(`${env.emulator.baseUrl}/emulator/reset`, { method: 'POST' });
	env.emulator.addFault({ kind, path: '/invoke/', rate: RATE, delayMs: 20, afterBytes: 10, retryAfterSeconds: 0 });
	const items: IDataObject[] = Array.from({ length: ITEMS }, (_, n) => ({ n }));
	const result = await runNodes(env, {
			nodes: [
				sourceNode('Start', items),
				{
					name: 'Invoke',
					type: TYPE.invoke,
					parameters: {
						endpoint: locator(chat.endpointId),
						path: '/generate',
						jsonBody: '{"chunks": 3, "chunkSize": 4}',
						streamOutput: 'aggregate',
						options: { concurrency: CONCURRENCY },
					},
					...(continueOnFail ? { onError: 'continueErrorOutput' as const } : {}),
				},
			],
			connections: chain('Start', 'Invoke'),
		});
	const hits = (await armedFaults()).reduce((sum, rule) => sum + rule.hits, 0);
	env.emulator.clearFaults();
	const requests = env.emulator.requestLog().filter((entry) => entry.path.includes('/invoke/') || entry.path === '/generate');
	await expectNoSecrets(env, result);
	return { result, hits, requests: requests.length };
}

describe.each(FAULT_KINDS.map((kind) => [kind]))('%s', (kind) => {
	it('with Continue On Fail: one outcome per item, errors on the error output, one request per item', async () => {
		const { result, hits, requests } = await soak(kind, true);
		expect(result.error).toBeUndefined();
		const successes = result.lastNodeOutput('Invoke', 0);
		const errors = result.lastNodeOutput('Invoke', 1);
		const outcomes = [...successes, ...errors].map((item) => (item.pairedItem as { item: number }).item).sort((a, b) => a - b);
		expect(outcomes).toEqual(Array.from({ length: ITEMS }, (_, n) => n));
		for (const item of successes) expect(item.json).toMatchObject({ status: 200, text: 'tok0tok1tok2', chunkCount: 4 });
		for (const item of errors) {
			// The error output carries the input item's fields beside the error.
			expect(item.json.n).toBe((item.pairedItem as { item: number }).item);
			expect(Object.keys(item.json).sort()).toEqual(['details', 'error', 'n']);
		}
		expect(requests).toBe(ITEMS);
		if (STRIKING.has(kind)) {
			expect(hits).toBeGreaterThan(0);
			expect(errors).toHaveLength(hits);
		} else {
			expect(errors).toHaveLength(0);
			expect(hits > 0).toBe(DELAYING.has(kind));
		}
		counts.push(`  ${kind.padEnd(17)} continue on fail: ${successes.length} ok, ${errors.length} error items, ${hits} faults struck, ${requests} requests`);
	});

	it('without Continue On Fail: every item succeeds, or the node fails with the first error and stops', async () => {
		const { result, hits, requests } = await soak(kind, false);
		if (result.error) {
			expect(STRIKING.has(kind)).toBe(true);
			expect(['NodeApiError', 'NodeOperationError']).toContain(result.error.name);
			expect(result.lastNodeOutput('Invoke')).toEqual([]);
			expect(hits).toBeGreaterThan(0);
		} else {
			const output = result.lastNodeOutput('Invoke');
			expect(output.map((item) => item.pairedItem)).toEqual(Array.from({ length: ITEMS }, (_, item) => ({ item })));
			expect(STRIKING.has(kind) ? hits : 0).toBe(0);
		}
		expect(requests).toBeLessThanOrEqual(ITEMS);
		counts.push(`  ${kind.padEnd(17)} fail the node:     ${result.error ? `failed (${result.error.name})` : 'all ok'}, ${hits} faults struck, ${requests} requests`);
	});
});

it('the whole soak stays well under a minute', () => {
	expect(Date.now() - started).toBeLessThan(60_000);
});
