/**
 * Answers compared field by field with what Vertex documents and sends: proto field docs, the proto3
 * JSON mapping and recorded exchanges.
 */
import { startEmulator, type RunningEmulator } from '../../emulator';
import { accessToken, apiClient, createEndpoint, deploy, uploadModel, type Api } from './helpers';

describe('emulator fidelity to the Vertex contract', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let modelName: string;
	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 5 });
		api = apiClient(emulator, await accessToken(emulator));
		modelName = (await uploadModel(api, emulator, { modelId: 'fidelity-model' })).modelName;
	});
	afterAll(() => emulator.close());

	it('leaves the endpoint\'s traffic split alone when a deploy gives none or an empty one (DeployModelRequest.traffic_split)', async () => {
		const endpoint = await createEndpoint(api, emulator, {}, 'no-split');
		const { op } = await deploy(api, endpoint.name, modelName, null);
		const id = op.response.deployedModel.id;
		const after = (await api('GET', `/v1/${endpoint.name}`)).json;
		expect(after.deployedModels.map((d: { id: string }) => d.id)).toEqual([id]);
		expect(after.trafficSplit).toBeUndefined();
		// Nothing receives traffic: the split route refuses, the pinned route still serves.
		expect((await api('POST', `/v1/${endpoint.name}/invoke/echo`, {})).status).toBe(400);
		expect((await api('POST', `/v1/${endpoint.name}/deployedModels/${id}/invoke/echo`, {})).status).toBe(200);

		const second = (await deploy(api, endpoint.name, modelName, { '0': 100 })).op.response.deployedModel.id;
		await deploy(api, endpoint.name, modelName, {});
		expect((await api('GET', `/v1/${endpoint.name}`)).json.trafficSplit).toEqual({ [second]: 100 });
	});

	it('names a deployed model after its model when no displayName is given, and takes caller ids of 1-10 digits only', async () => {
		const endpoint = await createEndpoint(api, emulator, {}, 'deployed-fields');
		const dedicatedResources = { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1 };
		const deployWith = (deployedModel: Record<string, unknown>) =>
			api('POST', `/v1/${endpoint.name}:deployModel`, { deployedModel: { model: modelName, dedicatedResources, ...deployedModel }, trafficSplit: { '0': 100 } });
		expect((await deployWith({ id: '12345678901' })).status).toBe(400);
		const refused = await deployWith({ id: 'abc' });
		expect(refused.json.error.details[0].fieldViolations[0].field).toBe('deployed_model.id');
		const started = await deployWith({ id: '42' });
		expect(started.status).toBe(200);
		const done = (await api('POST', `/v1/${started.json.name}:wait?timeout=60s`)).json;
		expect(done.response.deployedModel.id).toBe('42');
		expect(done.response.deployedModel.displayName).toBe('test model');
		const deployed = (await api('GET', `/v1/${endpoint.name}`)).json.deployedModels[0];
		expect(deployed).toMatchObject({ id: '42', displayName: 'test model', model: modelName, modelVersionId: '1' });
		expect(deployed.createTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
	});

	it('omits empty repeated fields as proto3 JSON does: an empty list is {}, a version without aliases has no versionAliases', async () => {
		const parent = `/v1/projects/${emulator.projectId}/locations/${emulator.location}`;
		for (const collection of ['models', 'endpoints']) {
			const empty = await api('GET', `${parent}/${collection}?filter=${encodeURIComponent('display_name="no such thing"')}`);
			expect(empty.status).toBe(200);
			expect(empty.json).toEqual({});
		}
		const started = await api('POST', `${parent}/models:upload`, {
			parentModel: modelName,
			model: { displayName: 'test model', containerSpec: { imageUri: 'emulator/sample-model-server', invokeRoutePrefix: '/*' } },
		});
		const done = (await api('POST', `/v1/${started.json.name}:wait?timeout=30s`)).json;
		const second = (await api('GET', `/v1/${modelName}@${done.response.modelVersionId}`)).json;
		expect(second.versionId).toBe('2');
		expect(second).not.toHaveProperty('versionAliases');
		expect((await api('GET', `/v1/${modelName}`)).json.versionAliases).toEqual(['default']);
	});

	it('keeps a model\'s etag until the model changes', async () => {
		const model = (await uploadModel(api, emulator, { modelId: 'etag-model' })).modelName;
		const uploadVersion = async (versionAliases: string[]) => {
			const started = await api('POST', `/v1/projects/${emulator.projectId}/locations/${emulator.location}/models:upload`, {
				parentModel: model,
				model: { displayName: 'test model', versionAliases, containerSpec: { imageUri: 'emulator/sample-model-server', invokeRoutePrefix: '/*' } },
			});
			expect((await api('POST', `/v1/${started.json.name}:wait?timeout=30s`)).json.done).toBe(true);
		};
		const versionOne = async () => (await api('GET', `/v1/${model}@1`)).json;

		const first = await versionOne();
		expect(first.etag).toEqual(expect.any(String));
		expect(first.versionAliases).toEqual(['default']);
		// Reads, and a new version that leaves the default alias where it is, do not change version 1.
		await uploadVersion([]);
		expect((await versionOne()).etag).toBe(first.etag);
		// A new version taking the default alias takes it off version 1: version 1 changed, so did its etag.
		await uploadVersion(['default']);
		const changed = await versionOne();
		expect(changed).not.toHaveProperty('versionAliases');
		expect(changed.etag).toEqual(expect.any(String));
		expect(changed.etag).not.toBe(first.etag);
		expect((await versionOne()).etag).toBe(changed.etag);
	});

	it('answers a missing or unknown token with 401 UNAUTHENTICATED carrying Google\'s ErrorInfo detail', async () => {
		const path = `/v1/projects/${emulator.projectId}/locations/${emulator.location}/endpoints`;
		const missing = await apiClient(emulator, undefined)('GET', path);
		expect(missing.status).toBe(401);
		expect(missing.json.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
		expect(missing.json.error.details).toEqual([
			{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'CREDENTIALS_MISSING', domain: 'googleapis.com', metadata: { service: 'aiplatform.googleapis.com' } },
		]);
		const unknown = await apiClient(emulator, 'ya29.never-minted')('GET', path);
		expect(unknown.status).toBe(401);
		expect(unknown.json.error.details[0]).toMatchObject({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED' });
		expect(unknown.text).not.toContain('never-minted');
	});
});
