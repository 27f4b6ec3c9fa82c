/**
 * The core's whole deploy (client.deploy) against the emulator: "replace" deploys a new copy of the model version,
 * then undeploys the older copies with the traffic split valid throughout and reads the endpoint again, for any
 * caller; what it refuses, it refuses before sending anything.
 */
import { readFileSync } from 'node:fs';

import { startEmulator, type RunningEmulator } from '../../../emulator';
import { UPLOAD_MODEL, VertexClient, VertexValidationError } from '../../../lib';

let emulator: RunningEmulator;
let client: VertexClient;
const deployedModel = { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' } } };
const wait = { timeoutMs: 30_000, initialDelayMs: 20, maxDelayMs: 100 };

async function upload(modelId: string): Promise<void> {
	const { operation } = await client.uploadModel({
		modelId,
		model: { displayName: modelId, containerSpec: { imageUri: emulator.builtInImage, invokeRoutePrefix: '/*', healthRoute: '/health' } },
	});
	await client.waitForResult(UPLOAD_MODEL, operation!, wait);
}

async function createEndpoint(endpointId: string): Promise<void> {
	const { operation } = await client.createEndpoint({ endpointId, endpoint: { displayName: endpointId } });
	await client.waitForOperation(operation!, wait);
}

/** Deploys another copy ('add') and gives its deployed model id. */
async function addCopy(endpoint: string, model: string, trafficPercentage: number): Promise<string> {
	const { result } = await client.deploy({ endpoint, model, deployedModel, trafficPercentage }, wait);
	return result!.deployedModelId;
}

const endpointNow = (endpoint: string) => client.getEndpoint(endpoint);

beforeAll(async () => {
	emulator = await startEmulator({ operationStepMs: 20 });
	client = new VertexClient({
		credential: { kind: 'serviceAccountKey', keyJson: readFileSync(emulator.serviceAccountKeyFile, 'utf8') },
		location: emulator.location,
		apiBaseUrl: emulator.baseUrl,
		tokenUrl: emulator.tokenUrl,
	});
	await Promise.all([upload('served'), upload('beside')]);
});

afterAll(() => emulator.close());

describe("deploy with ifDeployed 'replace'", () => {
	it('undeploys the older copies once the new one serves, leaves other models, and gives the endpoint after', async () => {
		await createEndpoint('replace-shares');
		const old = await addCopy('replace-shares', 'served', 100);
		const beside = await addCopy('replace-shares', 'beside', 30);
		expect((await endpointNow('replace-shares')).trafficSplit).toEqual({ [old]: 70, [beside]: 30 });

		const outcome = await client.deploy({ endpoint: 'replace-shares', model: 'served', deployedModel, trafficPercentage: 50, ifDeployed: 'replace' }, wait);

		const fresh = outcome.result!.deployedModelId;
		expect(outcome.operation?.done).toBe(true);
		expect(outcome.undeployedModelIds).toEqual([old]);
		const after = await endpointNow('replace-shares');
		expect(outcome.endpoint).toEqual(after);
		expect((after.deployedModels ?? []).map((deployed) => deployed.id).sort()).toEqual([beside, fresh].sort());
		const split = after.trafficSplit ?? {};
		expect(Object.keys(split).sort()).toEqual([beside, fresh].sort());
		expect(Object.values(split).reduce((sum, share) => sum + share, 0)).toBe(100);
		expect(split[fresh]).toBeGreaterThan(split[beside]);
	});

	it('hands the new copy the traffic the older copies carried alone (it asked for 0 %)', async () => {
		await createEndpoint('replace-heir');
		const first = await addCopy('replace-heir', 'served', 100);
		const second = await addCopy('replace-heir', 'served', 0);

		const outcome = await client.deploy({ endpoint: 'replace-heir', model: 'served', deployedModel, trafficPercentage: 0, ifDeployed: 'replace' }, wait);

		const fresh = outcome.result!.deployedModelId;
		expect(new Set(outcome.undeployedModelIds)).toEqual(new Set([first, second]));
		expect(outcome.endpoint?.trafficSplit).toEqual({ [fresh]: 100 });
		expect((outcome.endpoint?.deployedModels ?? []).map((deployed) => deployed.id)).toEqual([fresh]);
	});

	it('replaces, after a resumed deploy, the copies that were there before it', async () => {
		await createEndpoint('replace-resumed');
		const old = await addCopy('replace-resumed', 'served', 100);
		const started = await client.deploy({ endpoint: 'replace-resumed', model: 'served', deployedModel, trafficPercentage: 100 }, { wait: false });
		expect(started.operation?.done).not.toBe(true);
		expect(started.result).toBeUndefined();

		const outcome = await client.deploy(
			{ endpoint: 'replace-resumed', model: 'served', deployedModel, ifDeployed: 'replace', resumeOperation: started.operation!.name },
			wait,
		);

		expect(outcome.undeployedModelIds).toEqual([old]);
		expect(outcome.endpoint?.trafficSplit).toEqual({ [outcome.result!.deployedModelId]: 100 });
	});

	it('is refused before any request without waiting, and by deployModel, which only starts a deploy', async () => {
		await createEndpoint('replace-refused');
		const before = await endpointNow('replace-refused');
		const refusals = [
			client.deploy({ endpoint: 'replace-refused', model: 'served', deployedModel, ifDeployed: 'replace' }, { wait: false }),
			client.deployModel({ endpoint: 'replace-refused', model: 'served', deployedModel, ifDeployed: 'replace' }),
			client.deploy({ endpoint: 'replace-refused', model: 'served', deployedModel, ifDeployed: 'twice' as never }, wait),
		];
		for (const refused of refusals) {
			await expect(refused).rejects.toThrow(VertexValidationError);
			await expect(refused).rejects.toMatchObject({ field: 'ifDeployed' });
		}
		await expect(
			client.deploy({ endpoint: 'replace-refused', model: 'served', deployedModel, ifDeployed: 'replace', resumeOperation: 'operations/1' }, wait),
		).rejects.toMatchObject({ field: 'resumeOperation' });
		expect(await endpointNow('replace-refused')).toEqual(before);
		expect(before.deployedModels ?? []).toEqual([]);
	});
});

describe("deploy with ifDeployed 'use'", () => {
	it('deploys nothing when the model version is there, and undeploys nothing', async () => {
		await createEndpoint('use-kept');
		const kept = await addCopy('use-kept', 'served', 100);
		const outcome = await client.deploy({ endpoint: 'use-kept', model: 'served', deployedModel, ifDeployed: 'use' }, wait);
		expect(outcome.operation).toBeUndefined();
		expect(outcome.existing?.deployedModel.id).toBe(kept);
		expect(outcome.undeployedModelIds).toEqual([]);
		expect((await endpointNow('use-kept')).deployedModels?.map((deployed) => deployed.id)).toEqual([kept]);
	});
});
