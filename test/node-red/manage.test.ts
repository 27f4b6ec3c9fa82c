/**
 * The Manage node in a Node-RED runtime against the emulator: every resource and operation of n8n's Manage node
 * once, the result in msg.payload; waits showing their progress in the status and stopped by close; failures
 * through done() to a Catch node.
 */
import { CREATE_ENDPOINT, UPLOAD_MODEL } from '../../lib';
import vertexAiManage from '../../node-red/src/vertexAiManage';
import type { NodeMessage } from '../../node-red/src/red';
import { emulatorConfig, helper, manageNode, nodeRedPerTest, loadFlow, until, type Captured, type EmulatorConfig } from './support';

let env: EmulatorConfig;
let deployedModelId: string;

beforeAll(async () => {
	env = await emulatorConfig();
	deployedModelId = await env.deploySample('nr-manage-model', 'nr-manage');
});
afterAll(async () => {
	await env.close();
});
nodeRedPerTest();

type Payload = Record<string, unknown>;


interface Outcome extends Captured {
	statuses: Array<{ fill?: string; text?: string }>;
}

/** Runs one message through a Manage node set to `resource` / `operation`; resolves with its answer or error. */
async function manage(resource: string, operation: string, msg: NodeMessage, settings: Record<string, unknown> = {}): Promise<Outcome> {
	const captured = await loadFlow(env, [vertexAiManage], [manageNode(resource, operation, settings)]);
	const statuses: Outcome['statuses'] = [];
	(helper.getNode('manage') as unknown as { on(event: string, listener: (call: { args: unknown[] }) => void): void }).on('call:status', (call) =>
		statuses.push(call.args[0] as Outcome['statuses'][number]),
	);
	helper.getNode('manage').receive(msg);
	await until(() => captured.messages.length + captured.errors.length > 0, 30_000, `${resource}: ${operation}`);
	await helper.unload();
	return { ...captured, statuses };
}

/** The payload of a run that must succeed (its error message shown otherwise). */
async function payloadOf(resource: string, operation: string, msg: NodeMessage, settings: Record<string, unknown> = {}): Promise<unknown> {
	const outcome = await manage(resource, operation, msg, settings);
	expect(outcome.errors.map((error) => (error.error as Error).message)).toEqual([]);
	expect(outcome.messages).toHaveLength(1);
	return outcome.messages[0].payload;
}

describe('Manage: endpoints', () => {
	it('get: the endpoint from msg.endpointId, with its id, deployed models and split; the message kept', async () => {
		const outcome = await manage('endpoint', 'get', { endpointId: 'nr-manage', topic: 'kept' });
		expect(outcome.messages[0]).toMatchObject({ topic: 'kept', payload: { endpointId: 'nr-manage', trafficSplit: { [deployedModelId]: 100 } } });
		expect(outcome.statuses.at(-1)).toMatchObject({ fill: 'green' });
	});

	it('ids from the environment and the flow context, as typed inputs', async () => {
		process.env.NR_MANAGE_ENDPOINT = 'nr-manage';
		try {
			expect(await payloadOf('endpoint', 'get', {}, { endpoint: 'NR_MANAGE_ENDPOINT', endpointType: 'env' })).toMatchObject({ endpointId: 'nr-manage' });
		} finally {
			delete process.env.NR_MANAGE_ENDPOINT;
		}
		const captured = await loadFlow(env, [vertexAiManage], [manageNode('endpoint', 'get', { endpoint: 'endpointToManage', endpointType: 'flow' })]);
		(helper.getNode('manage') as unknown as { context(): { flow: { set(key: string, value: unknown): void } } }).context().flow.set('endpointToManage', 'nr-manage');
		helper.getNode('manage').receive({});
		await until(() => captured.messages.length + captured.errors.length > 0, 20_000, 'the endpoint');
		expect(captured.messages[0]?.payload).toMatchObject({ endpointId: 'nr-manage' });
	});

	it('list: an array, up to "Limit"', async () => {
		const all = (await payloadOf('endpoint', 'getAll', {}, { limit: '' })) as Payload[];
		expect(all.map((endpoint) => endpoint.endpointId)).toContain('nr-manage');
		expect(await payloadOf('endpoint', 'getAll', {}, { limit: 1 })).toHaveLength(1);
	});

	it('update: exactly the changes in msg.payload', async () => {
		const payload = (await payloadOf('endpoint', 'update', { endpointId: 'nr-manage', payload: { displayName: 'renamed', labels: { env: 'test' } } })) as Payload;
		expect(payload).toMatchObject({ endpointId: 'nr-manage', displayName: 'renamed', labels: { env: 'test' } });
	});

	it('update the traffic split: the split from a JSON setting', async () => {
		const split = JSON.stringify({ [deployedModelId]: 100 });
		const payload = await payloadOf('endpoint', 'updateTrafficSplit', { endpointId: 'nr-manage' }, { trafficSplit: split, trafficSplitType: 'json' });
		expect(payload).toMatchObject({ trafficSplit: { [deployedModelId]: 100 } });
	});
});

describe('Manage: deployed models, operations, pools', () => {
	it('deployed model update: waits, showing the wait in the status, and gives the deployed model after it', async () => {
		const outcome = await manage('deployedModel', 'update', { endpointId: 'nr-manage', deployedModelId, payload: { maxReplicaCount: 2 } });
		expect(outcome.errors).toEqual([]);
		expect(outcome.messages[0].payload).toMatchObject({ endpointId: 'nr-manage', deployedModelId, done: true, deployedModel: { id: deployedModelId } });
		expect(outcome.statuses.some((status) => status.fill === 'blue')).toBe(true);
		expect(outcome.statuses.at(-1)).toMatchObject({ fill: 'green', text: 'done' });
	});

	it('operation list, get, wait and cancel', async () => {
		const listed = (await payloadOf('operation', 'getAll', { endpointId: 'nr-manage' }, { operationsOf: 'endpoint' })) as Payload[];
		expect(listed.length).toBeGreaterThan(0);
		const { operationName } = listed[0] as { operationName: string };
		expect(await payloadOf('operation', 'get', { operationName })).toMatchObject({ operationName, done: expect.any(Boolean), failed: false });
		expect(await payloadOf('operation', 'wait', { operationName })).toMatchObject({ operationName, done: true });
		expect(await payloadOf('operation', 'cancel', { operationName })).toEqual({ operationName, cancelRequested: true });
		const running = (await payloadOf('operation', 'getAll', { modelId: 'nr-manage-model' }, { operationsOf: 'model', onlyRunning: true })) as Payload[];
		expect(running.every((operation) => operation.done === false)).toBe(true);
	});

	it('operation wait on a deploy: the deploy\'s stages in the status as they change, then done', async () => {
		const created = await env.client.createEndpoint({ endpointId: 'nr-stages', ifExists: 'use', endpoint: { displayName: 'nr-stages' } });
		if (created.operation) await env.client.waitForResult(CREATE_ENDPOINT, created.operation, { timeoutMs: 30_000, initialDelayMs: 20 });
		const { operation } = await env.client.deployModel({
			endpoint: 'nr-stages',
			model: 'nr-manage-model',
			deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' }, minReplicaCount: 1 } },
		});
		const outcome = await manage('operation', 'wait', { operationName: operation?.name });
		expect(outcome.messages[0].payload).toMatchObject({ done: true, failed: false, stage: 'SUCCESSFULLY_DEPLOYED' });
		const shown = outcome.statuses.map((status) => status.text);
		// The stages seen depend on when the polls land; the last one is always seen.
		expect(shown).toEqual(expect.arrayContaining([expect.stringMatching(/^waiting \d+ s for \d+$/), 'successfully deployed']));
		expect(shown.at(-1)).toBe('done');
	});

	it('a wait that runs out: the error names the operation, to wait for it again', async () => {
		const started = await env.client.mutateDeployedModel({ endpoint: 'nr-manage', deployedModelId, maxReplicaCount: 3 });
		env.emulator.addFault({ kind: 'slow-headers', delayMs: 2_000, rate: 1, path: '/operations/' });
		try {
			const outcome = await manage('operation', 'wait', { operationName: started.name }, { waitTimeout: 0.005 });
			expect(outcome.messages).toEqual([]);
			const message = (outcome.errors[0].error as Error).message;
			expect(message).toContain(started.name);
			expect(message).toMatch(/Stopped waiting after .*Wait again with its name/);
		} finally {
			env.emulator.clearFaults();
		}
		expect(await payloadOf('operation', 'wait', { operationName: started.name })).toMatchObject({ operationName: started.name, done: true });
	});

	it('deployment resource pool create, get, list and delete', async () => {
		const created = await payloadOf('deploymentResourcePool', 'create', {}, { poolId: 'nr-pool', poolIdType: 'str', poolSettings: '{"dedicatedResources":{"machineSpec":{"machineType":"n1-standard-4"},"minReplicaCount":1,"maxReplicaCount":1}}', poolSettingsType: 'json' });
		expect(created).toMatchObject({ deploymentResourcePoolId: 'nr-pool', existed: false, done: true });
		const again = await payloadOf('deploymentResourcePool', 'create', {}, { poolId: 'nr-pool', poolIdType: 'str', poolSettings: '{"dedicatedResources":{"machineSpec":{"machineType":"n1-standard-4"},"minReplicaCount":1}}', poolSettingsType: 'json', ifExists: 'use' });
		expect(again).toMatchObject({ deploymentResourcePoolId: 'nr-pool', existed: true, operationName: null });
		expect(await payloadOf('deploymentResourcePool', 'get', {}, { pool: 'nr-pool', poolType: 'str' })).toMatchObject({ deploymentResourcePoolId: 'nr-pool' });
		const pools = (await payloadOf('deploymentResourcePool', 'getAll', {})) as Payload[];
		expect(pools.map((pool) => pool.deploymentResourcePoolId)).toContain('nr-pool');
		expect(await payloadOf('deploymentResourcePool', 'delete', { pool: 'nr-pool' }, { pool: 'pool', poolType: 'msg' })).toMatchObject({ deploymentResourcePoolId: 'nr-pool', deleted: true });
	});
});

describe('Manage: Vertex AI\'s errors', () => {
	it('a resource that does not exist: Vertex AI\'s answer through done(), so a Catch node sees it', async () => {
		const outcome = await manage('endpoint', 'get', { endpointId: 'nr-no-such-endpoint' });
		expect(outcome.messages).toEqual([]);
		expect((outcome.errors[0].error as Error).message).toMatch(/nr-no-such-endpoint/);
		expect((outcome.errors[0].error as Error).message).not.toMatch(/Nothing was sent/);
	});
});

describe('Manage: models, and taking an endpoint down', () => {
	it('model get, list, list versions and update', async () => {
		expect(await payloadOf('model', 'get', { modelId: 'nr-manage-model' })).toMatchObject({ modelId: 'nr-manage-model' });
		const models = (await payloadOf('model', 'getAll', {}, { filter: 'display_name="nr-manage-model"', filterType: 'str' })) as Payload[];
		expect(models.map((model) => model.modelId)).toEqual(['nr-manage-model']);
		expect(await payloadOf('model', 'listVersions', { modelId: 'nr-manage-model' })).toEqual([expect.objectContaining({ versionId: '1' })]);
		const updated = await payloadOf('model', 'update', { modelId: 'nr-manage-model@1', payload: { labels: { team: 'a' }, addVersionAliases: ['prod'] } });
		expect(updated).toMatchObject({ modelId: 'nr-manage-model', labels: { team: 'a' }, versionAliasChange: expect.anything() });
	});

	it('undeploy, delete a version, delete the model and the endpoint; without waiting, the operation name', async () => {
		await env.deploySample('nr-down-model', 'nr-down');
		const second = await env.client.uploadModel({
			modelId: 'nr-down-model',
			parentModel: 'nr-down-model',
			model: { displayName: 'nr-down-model', containerSpec: { imageUri: env.emulator.builtInImage, invokeRoutePrefix: '/*', healthRoute: '/health' } },
		});
		if (second.operation) await env.client.waitForResult(UPLOAD_MODEL, second.operation, { timeoutMs: 30_000, initialDelayMs: 20 });
		const endpoint = (await payloadOf('endpoint', 'get', { endpointId: 'nr-down' })) as { deployedModels: Array<{ id: string }> };
		// Refused by the core while deployed, naming where: the error reaches the Catch node, no message goes out.
		const refused = await manage('model', 'delete', { modelId: 'nr-down-model' });
		expect(refused.messages).toEqual([]);
		expect((refused.errors[0].error as Error).message).toMatch(/nr-down-model.*deployed.*endpoints\/nr-down/s);
		// The model was listed before the refusal: the message says so, not that nothing was sent.
		expect((refused.errors[0].error as Error).message).toMatch(/\. Only reads were sent; nothing was changed\.$/);
		expect((refused.errors[0].error as Error).message).not.toMatch(/Nothing was sent/);
		expect(refused.statuses.at(-1)).toMatchObject({ fill: 'red' });
		const undeployed = await payloadOf('endpoint', 'undeployModel', { endpointId: 'nr-down', deployedModelId: endpoint.deployedModels[0].id });
		expect(undeployed).toMatchObject({ endpointId: 'nr-down', deployedModelIds: [], done: true });
		expect(await payloadOf('model', 'deleteVersion', { modelId: 'nr-down-model' }, { version: '2', versionType: 'str' })).toMatchObject({ versionId: '2', deleted: true });
		expect(await payloadOf('model', 'delete', { modelId: 'nr-down-model' })).toMatchObject({ modelId: 'nr-down-model', deleted: true });
		const started = (await payloadOf('endpoint', 'delete', { endpointId: 'nr-down' }, { wait: false })) as Payload;
		expect(started).toMatchObject({ endpointId: 'nr-down', operationName: expect.stringMatching(/\/operations\/\d+$/) });
		expect(await payloadOf('operation', 'wait', { operationName: started.operationName })).toMatchObject({ done: true, failed: false });
	});

	it('delete with "Undeploy first": undeploys every model, then deletes', async () => {
		const id = await env.deploySample('nr-gone-model', 'nr-gone');
		expect(await payloadOf('endpoint', 'delete', { endpointId: 'nr-gone' }, { undeployModels: true })).toMatchObject({ deleted: true, undeployedModelIds: [id] });
	});
});
