import { chain, sourceNode } from '../harness/n8n-engine';
import { TYPE, emulatorWithCredential, expectNoSecrets, locator, runNodes } from './support';

let env: Awaited<ReturnType<typeof emulatorWithCredential>>;

beforeAll(async () => {
	env = await emulatorWithCredential();
});
afterAll(async () => {
	await env.close();
});

/**
 * The pipeline as a user builds it, Deploy and Invoke left at their defaults: they take the model and endpoint ids
 * from the incoming item, which the nodes before carry forward. `reuse` sets "use the existing one" on Upload and
 * Create, for re-runs; `modelId` is Upload's Model ID.
 */
function pipeline(reuse = false, modelId = 'sample-model') {
	return {
		nodes: [
			sourceNode('Start'),
			{
				name: 'Upload',
				type: TYPE.upload,
				parameters: {
					displayName: 'sample',
					imageUri: env.emulator.builtInImage,
					modelId,
					...(reuse ? { ifExists: 'use' } : {}),
				},
			},
			{
				name: 'Create',
				type: TYPE.create,
				parameters: { displayName: 'chat', endpointId: 'chat-endpoint', ...(reuse ? { ifExists: 'use' } : {}) },
			},
			{
				name: 'Deploy',
				type: TYPE.deploy,
				parameters: { machineType: 'n1-standard-4' },
			},
			{
				name: 'Invoke',
				type: TYPE.invoke,
				parameters: {
					path: '/v1/chat/completions',
					jsonBody: '{"messages":[{"role":"user","content":"Hello there"}],"stream":true,"chunks":5}',
				},
			},
		],
		connections: chain('Start', 'Upload', 'Create', 'Deploy', 'Invoke'),
	};
}

describe('Upload -> Create -> Deploy -> Invoke through the real n8n engine', () => {
	it('deploys the sample model server and streams chat chunks as items', async () => {
		const result = await runNodes(env, pipeline());
		expect(result.error?.message).toBeUndefined();
		const upload = result.lastNodeJson('Upload')[0];
		expect(upload).toMatchObject({ done: true, modelId: 'sample-model' });
		const create = result.lastNodeJson('Create')[0];
		expect(create.dedicatedEndpointDns).toMatch(/\.prediction\.vertexai\.goog$/);
		const deploy = result.lastNodeJson('Deploy')[0];
		expect(deploy.deployedModelId).toMatch(/^\d{19}$/);
		expect(deploy.trafficSplit).toEqual({ [deploy.deployedModelId as string]: 100 });
		const chunks = result.lastNodeJson('Invoke');
		expect(chunks.length).toBeGreaterThanOrEqual(5);
		expect(chunks.map((c) => c.chunkIndex)).toEqual(chunks.map((_, i) => i));
		// The response facts come once, on the first chunk; every chunk leads with its text.
		expect(chunks[0]).toMatchObject({ status: 200, deployedModelId: deploy.deployedModelId });
		expect(chunks.slice(1).some((c) => 'deployedModelId' in c || 'status' in c || 'headers' in c)).toBe(false);
		expect(chunks.filter((c) => 'text' in c).every((c) => Object.keys(c)[0] === 'text')).toBe(true);
		expect(result.lastNodeOutput('Invoke').every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(chunks.map((c) => c.text).join('')).not.toBe('');
		await expectNoSecrets(env, result);
	});

	it('mints one token for the whole pipeline and reuses it in a second run (client cache)', async () => {
		// The emulator is fresh for this file and the pipeline above is its only run so far.
		expect(env.emulator.tokensMinted()).toBe(1);
		const again = await runNodes(env, {
			nodes: [
				sourceNode('Start', [{}, {}]),
				{
					name: 'Invoke',
					type: TYPE.invoke,
					parameters: { endpoint: locator('chat-endpoint'), path: '/echo', bodyType: 'none' },
				},
			],
			connections: chain('Start', 'Invoke'),
		});
		expect(again.error).toBeUndefined();
		expect(again.lastNodeJson('Invoke').map((item) => item.status)).toEqual([200, 200]);
		expect(env.emulator.tokensMinted()).toBe(1);
	});

	it('runs again twice with "use the existing" everywhere: still one deployment and one model server, with all the traffic', async () => {
		const [first] = env.emulator.processes().map((process) => process.deployedModelId);
		for (let run = 2; run <= 3; run++) {
			const again = await runNodes(env, pipeline(true));
			expect(again.error?.message).toBeUndefined();
			expect(again.lastNodeJson('Upload')[0]).toMatchObject({ existed: true, modelId: 'sample-model' });
			expect(again.lastNodeJson('Create')[0]).toMatchObject({ existed: true, endpointId: 'chat-endpoint' });
			expect(again.lastNodeJson('Deploy')[0]).toMatchObject({ reused: true, deployedModelId: first, trafficSplit: { [first]: 100 }, operationName: null });
			expect(again.lastNodeJson('Invoke')[0].deployedModelId).toBe(first);
		}
		expect(env.emulator.processes().map((process) => process.deployedModelId)).toEqual([first]);
		const endpoint = await env.client().getEndpoint('chat-endpoint');
		expect(endpoint.deployedModels?.map((deployed) => deployed.id)).toEqual([first]);
	});

	it('"Replace It" deploys a new copy, gives it the traffic, then undeploys the old one', async () => {
		const [old] = env.emulator.processes().map((process) => process.deployedModelId);
		const workflow = pipeline(true);
		const deploy = workflow.nodes.find((node) => node.name === 'Deploy') as { parameters: Record<string, unknown> };
		deploy.parameters.ifDeployed = 'replace';
		const replaced = await runNodes(env, workflow);
		expect(replaced.error?.message).toBeUndefined();
		const output = replaced.lastNodeJson('Deploy')[0];
		expect(output).toMatchObject({ reused: false, undeployedModelIds: [old] });
		expect(output.deployedModelId).not.toBe(old);
		expect(output.trafficSplit).toEqual({ [output.deployedModelId as string]: 100 });
		expect(env.emulator.processes().map((process) => process.deployedModelId)).toEqual([output.deployedModelId]);
		expect(replaced.lastNodeJson('Invoke')[0].deployedModelId).toBe(output.deployedModelId);
	});

	it('a new Model ID in Upload flows into Deploy by default: Deploy deploys the new model, Invoke calls the endpoint', async () => {
		const result = await runNodes(env, pipeline(true, 'renamed-model'));
		expect(result.error?.message).toBeUndefined();
		// Each node's output carries the ids on: ids first, the operation name last.
		const create = result.lastNodeJson('Create')[0];
		expect(create).toMatchObject({ endpointId: 'chat-endpoint', modelId: 'renamed-model', modelVersionId: '1' });
		expect(Object.keys(create).slice(0, 2)).toEqual(['endpointId', 'endpoint']);
		expect(Object.keys(create).at(-1)).toBe('operationName');
		const deploy = result.lastNodeJson('Deploy')[0];
		expect(deploy).toMatchObject({ reused: false, modelId: 'renamed-model', endpointId: 'chat-endpoint' });
		expect(Object.keys(deploy).slice(0, 3)).toEqual(['deployedModelId', 'endpointId', 'modelId']);
		expect(Object.keys(deploy).at(-1)).toBe('operationName');
		const endpoint = await env.client().getEndpoint('chat-endpoint');
		const renamed = endpoint.deployedModels?.find((deployed) => deployed.id === deploy.deployedModelId);
		expect(renamed?.model).toMatch(/\/models\/renamed-model$/);
		expect(result.lastNodeJson('Invoke')[0].deployedModelId).toBe(deploy.deployedModelId);
	});

	it('"Deploy Another Copy" deploys beside the existing one (the old behaviour)', async () => {
		const before = env.emulator.processes().map((process) => process.deployedModelId);
		const workflow = pipeline(true);
		const deploy = workflow.nodes.find((node) => node.name === 'Deploy') as { parameters: Record<string, unknown> };
		deploy.parameters.ifDeployed = 'add';
		const added = await runNodes(env, workflow);
		expect(added.error?.message).toBeUndefined();
		const output = added.lastNodeJson('Deploy')[0];
		expect(before).not.toContain(output.deployedModelId);
		expect(env.emulator.processes()).toHaveLength(before.length + 1);
	});
});
