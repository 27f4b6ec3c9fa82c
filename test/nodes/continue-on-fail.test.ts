/**
 * Every input item gives exactly one outcome, whatever fails: a credential that cannot be used (each item its
 * error, on the output "Continue On Fail" chooses), a concurrency that is not a number (never zero items and a
 * success), and runForEachItem's own refusal of a concurrency that is not a whole number.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeParameters } from 'n8n-workflow';

import { runForEachItem } from '../../nodes/shared/items';
import { chain, sourceNode, type TestNode, type WorkflowRunResult } from '../harness/n8n-engine';
import { TYPE, emulatorWithCredential, expectNoSecrets, expectNothingSent, locator, logsOf, resetEmulator, runNodes, type NodeEnv } from './support';

let env: NodeEnv;

beforeAll(async () => {
	env = await emulatorWithCredential();
}, 30_000);

afterAll(async () => {
	await env?.close();
});

/** A valid node of each type: only the credential is broken. */
const NODES: Record<string, INodeParameters> = {
	[TYPE.upload]: { displayName: 'x', imageUri: 'emulator/sample-model-server' },
	[TYPE.create]: { displayName: 'x' },
	[TYPE.deploy]: { endpoint: locator('some-endpoint'), model: locator('some-model'), machineType: 'n1-standard-4' },
	[TYPE.invoke]: { endpoint: locator('some-endpoint'), path: '/echo' },
	[TYPE.manage]: { resource: 'endpoint', operation: 'get', endpoint: locator('some-endpoint') },
};

const ITEMS = [{ n: 0 }, { n: 1 }];

async function run(type: string, parameters: INodeParameters, extra: Partial<TestNode>, credential?: ICredentialDataDecryptedObject, items: IDataObject[] = ITEMS) {
	await resetEmulator(env);
	const result = await runNodes(env, {
		nodes: [sourceNode('Start', items), { name: 'Node', type, parameters, ...extra }],
		connections: chain('Start', 'Node'),
		...(credential ? { credentials: { googleVertexAiApi: credential } } : {}),
	});
	// The engine logs each node it runs: the secret scan below reads those lines too.
	expect(logsOf(result).length).toBeGreaterThan(0);
	expectNothingSent(env);
	await expectNoSecrets(env, result);
	return result;
}

/** Each input item's one error item, in order, with its pairedItem and the credential field named. */
function expectErrorItems(result: WorkflowRunResult, output: number, count: number, detail: RegExp) {
	const items = result.lastNodeOutput('Node', output);
	expect(items.map((item) => item.pairedItem)).toEqual(Array.from({ length: count }, (_, item) => ({ item })));
	for (const item of items) {
		expect(item.json.error).toEqual(expect.any(String));
		expect(`${item.json.error as string} ${item.json.details as string}`).toMatch(detail);
	}
}

describe('a credential that cannot be used fails each item, not the loop', () => {
	const broken = () => ({ ...env.credential, serviceAccountJson: '{bad' });
	const types = Object.keys(NODES);

	it.each(types)('%s: "Continue (regular output)" gives one error item per input item', async (type) => {
		const result = await run(type, NODES[type], { onError: 'continueRegularOutput' }, broken());
		expect(result.error).toBeUndefined();
		expectErrorItems(result, 0, ITEMS.length, /"Service Account Key JSON"/);
		for (const item of result.lastNodeOutput('Node')) expect(Object.keys(item.json).sort()).toEqual(['details', 'error']);
	});

	it.each(types)('%s: "Continue (using error output)" puts one error item per input item on the error output', async (type) => {
		const result = await run(type, NODES[type], { onError: 'continueErrorOutput' }, broken());
		expect(result.error).toBeUndefined();
		expect(result.lastNodeOutput('Node', 0)).toEqual([]);
		expectErrorItems(result, 1, ITEMS.length, /"Service Account Key JSON"/);
	});

	it.each(types)('%s: without Continue On Fail the node fails naming the credential field', async (type) => {
		const result = await run(type, NODES[type], {}, broken());
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.description).toContain('"Service Account Key JSON"');
	});

	it('a credential the core refuses (a project ID that is a private key) is an error item too, naming the field and quoting nothing', async () => {
		const key = JSON.parse(env.credential.serviceAccountJson as string) as { private_key: string };
		const result = await run(TYPE.invoke, NODES[TYPE.invoke], { onError: 'continueRegularOutput' }, { ...env.credential, projectId: key.private_key });
		expectErrorItems(result, 0, ITEMS.length, /"Project ID"/);
		expect(JSON.stringify(result.runData)).not.toContain(key.private_key.split('\n')[1]);
	});
});

describe('Concurrency', () => {
	const invoke = (concurrency: string | number): INodeParameters => ({ ...NODES[TYPE.invoke], options: { concurrency } });
	const threeItems = [{ n: 0 }, { n: 1 }, { n: 2 }];

	it.each([['={{ "x" }}'], [1.5], [0], [65]])('%p fails the node naming "Concurrency" before any request', async (concurrency) => {
		const result = await run(TYPE.invoke, invoke(concurrency), {}, undefined, threeItems);
		expect(result.status).toBe('error');
		expect(result.error?.name).toBe('NodeOperationError');
		expect(`${result.error?.message} ${result.error?.description}`).toContain('"Concurrency"');
	});

	it('"x" under Continue On Fail gives one error item per input item, not zero items', async () => {
		const result = await run(TYPE.invoke, invoke('={{ "x" }}'), { onError: 'continueErrorOutput' }, undefined, threeItems);
		expect(result.error).toBeUndefined();
		expect(result.lastNodeOutput('Node', 0)).toEqual([]);
		expectErrorItems(result, 1, threeItems.length, /"Concurrency"/);
	});

	describe('runForEachItem itself', () => {
		const context = (continueOnFail: boolean) =>
			({
				getInputData: () => [{ json: {} }, { json: {} }],
				getNode: () => ({ name: 'Node', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }),
				getExecutionCancelSignal: () => undefined,
				continueOnFail: () => continueOnFail,
			}) as unknown as IExecuteFunctions;
		const handled: number[] = [];
		const handler = async (itemIndex: number) => {
			handled.push(itemIndex);
			return [{ json: { itemIndex } }];
		};

		it.each([[NaN], [1.5], [0], [-1], [Infinity]])('refuses concurrency %p instead of running no item', async (concurrency) => {
			handled.length = 0;
			await expect(runForEachItem(context(false), handler, { concurrency })).rejects.toThrow(/Concurrency must be a whole number of at least 1/);
			expect(handled).toEqual([]);
			const [items] = await runForEachItem(context(true), handler, { concurrency });
			expect(items.map((item) => [item.pairedItem, Object.keys(item.json)])).toEqual([
				[{ item: 0 }, ['error', 'details']],
				[{ item: 1 }, ['error', 'details']],
			]);
			expect(handled).toEqual([]);
		});

		it('runs every item with a whole-number concurrency, above the item count too', async () => {
			handled.length = 0;
			const [items] = await runForEachItem(context(false), handler, { concurrency: 8 });
			expect(items.map((item) => item.json.itemIndex)).toEqual([0, 1]);
		});
	});
});
