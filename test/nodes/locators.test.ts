import type { INodeParameters } from 'n8n-workflow';

import { chain, sourceNode, type TestNode } from '../harness/n8n-engine';
import { TYPE, emulatorWithCredential, expectNoSecrets, runNodes, type NodeEnv } from './support';

/** Resource locators in "By URL" mode, fed the URLs the Google Cloud console shows, through the real engine. */

let env: NodeEnv;
const urlLocator = (value: string) => ({ __rl: true, mode: 'url', value });
const consoleUrl = (path: string) =>
	`https://console.cloud.google.com/vertex-ai/${path.replace('{l}', env.emulator.location)}?project=my-project`;

beforeAll(async () => {
	env = await emulatorWithCredential();
	const upload = (modelId: string): INodeParameters => ({
		displayName: modelId,
		imageUri: env.emulator.builtInImage,
		modelId,
		ifExists: 'use',
	});
	// Model 123 gets two versions: the console URL of version 1 must deploy version 1, not the default (2).
	const result = await runNodes(env, {
		nodes: [
			sourceNode('Start'),
			{ name: 'Upload', type: TYPE.upload, parameters: upload('123') },
			{ name: 'Upload Version 2', type: TYPE.upload, parameters: { displayName: 'v2', imageUri: env.emulator.builtInImage, options: { parentModel: '123' } } },
			{ name: 'Create', type: TYPE.create, parameters: { displayName: 'console', endpointId: '456' } },
		],
		connections: chain('Start', 'Upload', 'Upload Version 2', 'Create'),
	});
	expect(result.error).toBeUndefined();
	expect(result.lastNodeJson('Upload Version 2')[0].modelVersionId).toBe('2');
}, 60_000);

afterAll(async () => {
	await env?.close();
});

async function runOne(node: TestNode) {
	const result = await runNodes(env, { nodes: [sourceNode('Start'), node], connections: chain('Start', node.name) });
	await expectNoSecrets(env, result);
	return result;
}

describe('console URLs', () => {
	it('Deploy takes the endpoint id from an online-prediction URL and model id and version from a model version URL', async () => {
		const result = await runOne({
			name: 'Deploy',
			type: TYPE.deploy,
			parameters: {
				endpoint: urlLocator(consoleUrl('online-prediction/locations/{l}/endpoints/456')),
				model: urlLocator(consoleUrl('models/locations/{l}/models/123/versions/1/deploy')),
				machineType: 'n1-standard-4',
			},
		});
		expect(result.error).toBeUndefined();
		const [deployed] = result.lastNodeJson('Deploy');
		expect(deployed).toMatchObject({ endpointId: '456', modelId: '123', modelVersionId: '1', done: true });
		expect(deployed.endpoint).toMatch(/\/locations\/[^/]+\/endpoints\/456$/);
		expect(deployed.model).toMatch(/\/locations\/[^/]+\/models\/123$/);
	}, 30_000);

	it('Invoke takes the endpoint id from a console URL without a trailing path', async () => {
		const result = await runOne({
			name: 'Invoke',
			type: TYPE.invoke,
			parameters: {
				endpoint: urlLocator(consoleUrl('online-prediction/locations/{l}/endpoints/456')),
				path: '/echo',
				bodyType: 'none',
			},
		});
		expect(result.error).toBeUndefined();
		expect((result.lastNodeJson('Invoke')[0].body as { path: string }).path).toBe('/echo');
		expect(env.emulator.requestLog('forwarded').at(-1)).toMatchObject({ path: '/echo' });
	});

	it('Deploy takes the model id from a model URL without a version', async () => {
		const result = await runOne({
			name: 'Deploy',
			type: TYPE.deploy,
			parameters: {
				endpoint: urlLocator(consoleUrl('locations/{l}/endpoints/456')),
				model: urlLocator(consoleUrl('models/locations/{l}/models/123')),
				machineType: 'n1-standard-4',
				// The test above deployed 123@1 there already; a second copy shows the parsed ids in a pending deploy.
				ifDeployed: 'add',
				waitForCompletion: false,
			},
		});
		expect(result.error).toBeUndefined();
		const [pending] = result.lastNodeJson('Deploy');
		expect(pending).toMatchObject({ endpointId: '456', modelId: '123', done: false, deployedModelId: null });
	});

	it('refuses a URL that names no endpoint before running, with the mode\'s error message', async () => {
		const before = env.emulator.requestLog('forwarded').length;
		await expect(
			runOne({
				name: 'Invoke',
				type: TYPE.invoke,
				parameters: { endpoint: urlLocator(consoleUrl('models/locations/{l}/models/123')), path: '/echo', bodyType: 'none' },
			}),
		).rejects.toThrow(/Not a Vertex AI endpoint URL/);
		expect(env.emulator.requestLog('forwarded')).toHaveLength(before);
	});
});
