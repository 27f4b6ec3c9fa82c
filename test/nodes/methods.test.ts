import { generateKeyPairSync } from 'node:crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { VertexAiDeployModel } from '../../nodes/VertexAiDeployModel/VertexAiDeployModel.node';
import { VertexAiInvoke } from '../../nodes/VertexAiInvoke/VertexAiInvoke.node';
import { callCredentialTest, callListSearch, chain, sourceNode } from '../harness/n8n-engine';
import {
	TYPE,
	credentialTypes,
	deployModel,
	emulatorWithCredential,
	locator,
	privateKeyFragments,
	runNodes,
	secretsOf,
	type DeployedModel,
	type NodeEnv,
} from './support';

let env: NodeEnv;
let alpha: DeployedModel;

beforeAll(async () => {
	env = await emulatorWithCredential();
	alpha = await deployModel(env, { modelId: 'alpha-model', endpointId: 'alpha-endpoint' });
	const result = await runNodes(env, {
		nodes: [
			sourceNode('Start'),
			{ name: 'Upload', type: TYPE.upload, parameters: { displayName: 'Beta Model', imageUri: env.emulator.builtInImage, modelId: 'beta-model' } },
			{ name: 'Create', type: TYPE.create, parameters: { displayName: 'Beta Endpoint', endpointId: 'beta-endpoint' } },
		],
		connections: chain('Start', 'Upload', 'Create'),
	});
	expect(result.error).toBeUndefined();
}, 60_000);

afterAll(async () => {
	await env?.close();
});

const listOptions = (filter?: string) => ({ credentialTypes, filter });

describe('list-search methods', () => {
	it('searchEndpoints lists every endpoint, and only the matching ones with a filter', async () => {
		const all = await callListSearch(VertexAiDeployModel, 'searchEndpoints', env.credentials, {}, listOptions());
		expect(all.results.map((result) => result.value).sort()).toEqual(['alpha-endpoint', 'beta-endpoint']);
		expect(all.results).toContainEqual({ name: 'Beta Endpoint (beta-endpoint)', value: 'beta-endpoint' });
		const filtered = await callListSearch(VertexAiDeployModel, 'searchEndpoints', env.credentials, {}, listOptions('BETA'));
		expect(filtered.results).toEqual([{ name: 'Beta Endpoint (beta-endpoint)', value: 'beta-endpoint' }]);
	});

	it('searchModels lists every model, and only the matching ones with a filter', async () => {
		const all = await callListSearch(VertexAiDeployModel, 'searchModels', env.credentials, {}, listOptions());
		expect(all.results.map((result) => result.value).sort()).toEqual(['alpha-model', 'beta-model']);
		const filtered = await callListSearch(VertexAiDeployModel, 'searchModels', env.credentials, {}, listOptions('alpha'));
		expect(filtered.results).toEqual([{ name: 'alpha-model (alpha-model)', value: 'alpha-model' }]);
		const none = await callListSearch(VertexAiDeployModel, 'searchModels', env.credentials, {}, listOptions('gamma'));
		expect(none.results).toEqual([]);
	});

	it('searchDeployedModels lists the models deployed on the endpoint chosen in the node', async () => {
		const parameters = { endpoint: locator('alpha-endpoint'), target: 'deployedModel' };
		const found = await callListSearch(VertexAiInvoke, 'searchDeployedModels', env.credentials, parameters, {
			...listOptions(),
			path: 'parameters.deployedModel',
		});
		expect(found.results).toEqual([
			{ name: expect.stringContaining(`(${alpha.deployedModelId}, 100% traffic)`), value: alpha.deployedModelId },
		]);
		const empty = await callListSearch(
			VertexAiInvoke,
			'searchDeployedModels',
			env.credentials,
			{ endpoint: locator('beta-endpoint'), target: 'deployedModel' },
			listOptions(),
		);
		expect(empty.results).toEqual([]);
	});
});

describe('credential test', () => {
	const test = (data: ICredentialDataDecryptedObject) => callCredentialTest(VertexAiInvoke, 'googleVertexAiCredentialTest', data, { credentialTypes });

	it('is OK against the emulator with the key it issued', async () => {
		const result = await test(env.credential);
		expect(result).toEqual({ status: 'OK', message: expect.stringContaining(env.emulator.location) });
	});

	it('says the key or signature is bad for a key the emulator does not know, without key material', async () => {
		const { privateKey } = generateKeyPairSync('rsa', {
			modulusLength: 2048,
			privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
			publicKeyEncoding: { type: 'spki', format: 'pem' },
		});
		const keyJson = JSON.stringify({ ...JSON.parse(env.credential.serviceAccountJson as string), private_key: privateKey });
		const result = await test({ ...env.credential, serviceAccountJson: keyJson });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/key|signature/i);
		for (const secret of [keyJson, ...privateKeyFragments(privateKey), ...(await secretsOf(env))]) {
			expect(result.message.includes(secret)).toBe(false);
		}
		expect(result.message).not.toContain('PRIVATE KEY');
	});

	it('fails for a location the endpoint does not serve', async () => {
		const result = await test({ ...env.credential, location: 'europe-west4' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/europe-west4|location|region/i);
	});
});
