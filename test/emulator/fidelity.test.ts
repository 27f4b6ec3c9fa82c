/**
 * Answers compared field by field with the Vertex contract (../shared/vertex-contract): proto field
 * docs, proto3 JSON mapping and the recorded exchanges.
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
});
