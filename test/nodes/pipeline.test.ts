import { chain, sourceNode } from '../harness/n8n-engine';
import { TYPE, emulatorWithCredential, expectNoSecrets, locator, runNodes } from './support';

let env: Awaited<ReturnType<typeof emulatorWithCredential>>;

beforeAll(async () => {
	env = await emulatorWithCredential();
});
afterAll(async () => {
	await env.close();
});

/** The pipeline as a user builds it; `reuse` sets "use the existing one" on Upload and Create, for re-runs. */
function pipeline(reuse = false) {
	return {
		nodes: [
			sourceNode('Start'),
			{
				name: 'Upload',
				type: TYPE.upload,
				parameters: {
					displayName: 'sample',
					imageUri: env.emulator.builtInImage,
					modelId: 'sample-model',
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
				parameters: {
					endpoint: locator('={{ $json.endpointId }}'),
					model: locator("={{ $('Upload').item.json.modelId }}"),
					machineType: 'n1-standard-4',
				},
			},
			{
				name: 'Invoke',
				type: TYPE.invoke,
				parameters: {
					endpoint: locator("={{ $('Create').item.json.endpointId }}"),
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
		expect(chunks.every((c) => c.deployedModelId === deploy.deployedModelId)).toBe(true);
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
			expect(again.lastNodeJson('Invoke').every((chunk) => chunk.deployedModelId === first)).toBe(true);
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
		expect(replaced.lastNodeJson('Invoke').every((chunk) => chunk.deployedModelId === output.deployedModelId)).toBe(true);
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
