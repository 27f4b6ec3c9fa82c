/**
 * The core's life-cycle calls against the real emulator: deploys that reuse a deployment of the same model
 * version, typed operation results, undeploying several models with a valid split throughout, and the
 * refusals that keep billed resources from being half-removed. Each test uploads and creates what it uses, so
 * any one of them runs alone (jest -t) and none sees what another left.
 */
import { readFileSync } from 'node:fs';

import { startEmulator, type RunningEmulator } from '../../../emulator';
import { DEPLOY_MODEL, NO_RESULT, UPLOAD_MODEL, VertexApiError, VertexClient, VertexValidationError, whatWasSent } from '../../../lib';

let emulator: RunningEmulator;
let client: VertexClient;
const resources = { machineSpec: { machineType: 'n1-standard-4' } };
const wait = { timeoutMs: 30_000, initialDelayMs: 20, maxDelayMs: 100 };

async function upload(modelId: string, parentModel?: string) {
	const { operation } = await client.uploadModel({
		modelId: parentModel ? undefined : modelId,
		parentModel,
		model: { displayName: modelId, containerSpec: { imageUri: emulator.builtInImage, invokeRoutePrefix: '/*', healthRoute: '/health' } },
	});
	return (await client.waitForResult(UPLOAD_MODEL, operation!, wait)).result;
}

async function deploy(endpoint: string, model: string, extra: Record<string, unknown> = {}) {
	const deployed = await client.deployModel({ endpoint, model, deployedModel: { dedicatedResources: resources }, ...extra });
	if (deployed.existing) return { reused: true, deployedModelId: deployed.existing.deployedModel.id as string };
	const { result } = await client.waitForResult(DEPLOY_MODEL, deployed.operation!, wait);
	return { reused: false, deployedModelId: result.deployedModelId, result };
}

async function createEndpoint(endpointId: string) {
	const { operation } = await client.createEndpoint({ endpointId, endpoint: { displayName: endpointId } });
	await client.waitForOperation(operation!, wait);
}

/** A model `${name}-m` (version 1) and an empty endpoint `${name}-e`, for one test alone. */
async function modelAndEndpoint(name: string) {
	const model = `${name}-m`;
	const endpoint = `${name}-e`;
	await upload(model);
	await createEndpoint(endpoint);
	return { model, endpoint };
}

const split = async (endpoint: string) => (await client.getEndpoint(endpoint)).trafficSplit ?? {};

beforeAll(async () => {
	emulator = await startEmulator({ operationStepMs: 20 });
	client = new VertexClient({
		credential: { kind: 'serviceAccountKey', keyJson: readFileSync(emulator.serviceAccountKeyFile, 'utf8') },
		location: emulator.location,
		apiBaseUrl: emulator.baseUrl,
		tokenUrl: emulator.tokenUrl,
	});
});

afterAll(() => emulator.close());

it('types the upload and deploy results', async () => {
	const uploaded = await upload('typed');
	expect(uploaded).toEqual({ model: `projects/${emulator.projectNumber}/locations/us-central1/models/typed`, modelId: 'typed', modelVersionId: '1' });
	await createEndpoint('typed-e');
	const { result } = await deploy('typed-e', 'typed');
	expect(result).toMatchObject({
		endpoint: `projects/${emulator.projectNumber}/locations/us-central1/endpoints/typed-e`,
		endpointId: 'typed-e',
		modelId: 'typed',
		modelVersionId: '1',
	});
	expect(result?.deployedModelId).toMatch(/^\d{19}$/);
});

it('ifDeployed "use" reuses the same model version, applies the traffic, and deploys another version anew', async () => {
	const { model: m, endpoint: e } = await modelAndEndpoint('reuse');
	const first = await deploy(e, m, { ifDeployed: 'use', trafficPercentage: 100 });
	expect(first.reused).toBe(false);
	const again = await deploy(e, m, { ifDeployed: 'use', trafficPercentage: 100 });
	expect(again).toEqual({ reused: true, deployedModelId: first.deployedModelId });
	expect((await client.getEndpoint(e)).deployedModels?.map((model) => model.id)).toEqual([first.deployedModelId]);
	expect(emulator.processes().filter((process) => process.deployedModelId === first.deployedModelId)).toHaveLength(1);

	// A second version of the model is another model version: deployed, not reused.
	const v2 = await upload(`${m}-v2`, m);
	expect(v2.modelVersionId).toBe('2');
	const second = await deploy(e, `${m}@2`, { ifDeployed: 'use', trafficPercentage: 30 });
	expect(second.reused).toBe(false);
	expect(await split(e)).toEqual({ [first.deployedModelId]: 70, [second.deployedModelId]: 30 });

	// Reusing version 1 with 100 % moves the traffic back to it (an endpoint update, no deploy).
	const deploysBefore = emulator.requestLog('forwarded').length;
	const reused = await deploy(e, `${m}@1`, { ifDeployed: 'use', trafficPercentage: 100 });
	expect(reused).toEqual({ reused: true, deployedModelId: first.deployedModelId });
	expect(await split(e)).toEqual({ [first.deployedModelId]: 100, [second.deployedModelId]: 0 });
	expect(emulator.requestLog('forwarded').length).toBe(deploysBefore);
});

it('refuses to delete a model that is deployed, naming the endpoint, and changes nothing', async () => {
	const { model, endpoint } = await modelAndEndpoint('in-use');
	const { deployedModelId } = await deploy(endpoint, model, { trafficPercentage: 100 });
	const error = await client.deleteModel(model).catch((caught: unknown) => caught);
	expect(error).toBeInstanceOf(VertexValidationError);
	expect((error as Error).message).toMatch(/still deployed on projects\/\d+\/locations\/us-central1\/endpoints\/in-use-e \(deployed model \d{19}\)/);
	expect((error as Error).message).toContain(deployedModelId);
	// Refused after listing the versions: reads went out, no change did.
	expect((error as VertexValidationError).readsSent).toBe(true);
	expect(whatWasSent(error as VertexValidationError)).toBe('Only reads were sent; nothing was changed.');
	expect((await client.getModel(model)).name).toMatch(/models\/in-use-m$/);
});

it('refuses to delete an endpoint with deployed models unless asked to undeploy them, then removes everything', async () => {
	const { model, endpoint: e } = await modelAndEndpoint('teardown');
	await deploy(e, model, { trafficPercentage: 100 });
	await deploy(e, model, { trafficPercentage: 0 });
	const deployed = (await client.getEndpoint(e)).deployedModels?.map((deployedModel) => deployedModel.id) ?? [];
	expect(deployed).toHaveLength(2);
	const refused = await client.deleteEndpoint(e).catch((caught: unknown) => caught);
	expect(refused).toBeInstanceOf(VertexValidationError);
	expect((refused as VertexValidationError).field).toBe('undeployModels');
	expect((refused as VertexValidationError).readsSent).toBe(true);
	for (const id of deployed) expect((refused as Error).message).toContain(id as string);
	expect((await client.getEndpoint(e)).deployedModels).toHaveLength(2);

	const operation = await client.deleteEndpoint(e, { undeployModels: true, undeployWait: wait });
	await client.waitForResult(NO_RESULT, operation, wait);
	const gone = await client.getEndpoint(e).catch((caught: unknown) => caught);
	expect(gone).toBeInstanceOf(VertexApiError);
	expect((gone as VertexApiError).httpStatus).toBe(404);
	expect(emulator.processes().map((process) => process.deployedModelId)).not.toEqual(expect.arrayContaining(deployed));
});

it('undeploys several models in order, giving the traffic to the heir so the split stays valid', async () => {
	const { model: m, endpoint: e } = await modelAndEndpoint('heirs');
	const a = await deploy(e, m, { trafficPercentage: 100 });
	const b = await deploy(e, m, { trafficPercentage: 0 });
	const c = await deploy(e, m, { trafficPercentage: 0 });
	expect(await split(e)).toEqual({ [a.deployedModelId]: 100, [b.deployedModelId]: 0, [c.deployedModelId]: 0 });
	await client.undeployModels(e, [a.deployedModelId, b.deployedModelId], { ...wait, heir: c.deployedModelId });
	expect(await split(e)).toEqual({ [c.deployedModelId]: 100 });
	expect((await client.getEndpoint(e)).deployedModels?.map((model) => model.id)).toEqual([c.deployedModelId]);
});

it('updates a traffic split, refusing ids not deployed there before sending anything', async () => {
	const { model: m, endpoint: e } = await modelAndEndpoint('split');
	const a = await deploy(e, m, { trafficPercentage: 100 });
	const b = await deploy(e, m, { trafficPercentage: 0 });
	const updated = await client.updateTrafficSplit({ endpoint: e, trafficSplit: { [a.deployedModelId]: 25, [b.deployedModelId]: 75 } });
	expect(updated.trafficSplit).toEqual({ [a.deployedModelId]: 25, [b.deployedModelId]: 75 });
	const patchesBefore = emulator.requestLog().filter((entry) => entry.method === 'PATCH').length;
	await expect(client.updateTrafficSplit({ endpoint: e, trafficSplit: { '1234567890123456789': 100 } })).rejects.toThrow(
		/names 1234567890123456789, not deployed on endpoint/,
	);
	await expect(client.updateTrafficSplit({ endpoint: e, trafficSplit: { [a.deployedModelId]: 50 } })).rejects.toThrow(/add up to 100/);
	expect(emulator.requestLog().filter((entry) => entry.method === 'PATCH').length).toBe(patchesBefore);
});

it('lists the versions and the operations of a model, and deletes a version that is not deployed', async () => {
	await upload('versions-m');
	await upload('versions-m-v2', 'versions-m');
	const versions = await client.listModelVersions('versions-m');
	expect(versions.models.map((version) => version.versionId)).toEqual(['1', '2']);
	const operations = await client.listOperations({ model: 'versions-m' });
	expect(operations.operations.length).toBeGreaterThanOrEqual(1);
	expect(operations.operations.every((operation) => operation.name.includes('/models/versions-m/operations/'))).toBe(true);
	await client.waitForOperation(await client.deleteModelVersion('versions-m@2'), wait);
	expect((await client.listModelVersions('versions-m')).models.map((version) => version.versionId)).toEqual(['1']);
	await expect(client.deleteModelVersion('versions-m')).rejects.toThrow(/names no version/);
});
