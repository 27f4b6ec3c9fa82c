/**
 * The Manage node fed malformed msg properties: each is an error through done() (so a Catch node sees it) naming
 * the field and where its value came from, and nothing reaches the emulator (its API requests are counted, and no
 * token is minted). A wait in flight stops when the flow is redeployed.
 */
import vertexAiManage from '../../node-red/src/vertexAiManage';
import type { NodeMessage } from '../../node-red/src/red';
import { emulatorConfig, helper, manageNode, nodeRedPerTest, loadFlow, until, type EmulatorConfig } from './support';

let env: EmulatorConfig;
let deployedModelId: string;

beforeAll(async () => {
	env = await emulatorConfig();
	deployedModelId = await env.deploySample('nr-input-model', 'nr-input');
});
afterAll(async () => {
	await env.close();
});
nodeRedPerTest();
afterEach(() => {
	env.emulator.clearFaults();
});


/** Counts every API request the emulator receives from now on (a fault rule that delays by 0 ms counts its hits). */
function countApiRequests(): string {
	return env.emulator.addFault({ kind: 'slow-headers', delayMs: 0, rate: 1, path: '^/v1(beta1)?/' }).id;
}

async function apiRequestsCounted(id: string): Promise<number> {
	const { faults } = (await (await fetch(`${env.emulator.baseUrl}/emulator/faults`)).json()) as { faults: Array<{ id: string; hits: number }> };
	return faults.find((fault) => fault.id === id)?.hits ?? 0;
}

/** The error a malformed message gives, after checking that nothing was sent and no message went out. */
async function refusal(resource: string, operation: string, msg: NodeMessage, settings: Record<string, unknown> = {}): Promise<string> {
	const counter = countApiRequests();
	const tokens = env.emulator.tokensMinted();
	const captured = await loadFlow(env, [vertexAiManage], [manageNode(resource, operation, settings)]);
	helper.getNode('manage').receive(msg);
	await until(() => captured.errors.length + captured.messages.length > 0, 20_000, 'the error');
	expect(captured.messages).toEqual([]);
	expect(await apiRequestsCounted(counter)).toBe(0);
	expect(env.emulator.tokensMinted()).toBe(tokens);
	// A Catch node gives the error as its name and message.
	const message = (captured.errors[0].error as { message: string }).message.replace(/^VertexNodeError: /, '');
	expect(message).toMatch(/Nothing was sent\.$/);
	expect(message).not.toContain('PRIVATE KEY');
	return message;
}

describe('Manage: malformed msg properties are refused, naming the field, with nothing sent', () => {
	it.each<[string, string, string, NodeMessage, Record<string, unknown>, RegExp]>([
		['an endpoint that is missing', 'endpoint', 'get', {}, {}, /^"Endpoint" \(msg\.endpointId\) is required/],
		['an endpoint that is an object', 'endpoint', 'get', { endpointId: { id: 1 } }, {}, /^"Endpoint" \(msg\.endpointId\) must be text; it is an object/],
		['an endpoint id the core refuses', 'endpoint', 'get', { endpointId: 'no such/endpoint!' }, {}, /"Endpoint" \(msg\.endpointId\) .*is not an endpoint id/],
		['a version that is not one', 'model', 'deleteVersion', { modelId: 'nr-input-model', version: 'Not A Version' }, { version: 'version', versionType: 'msg' }, /^"Version" \(msg\.version\) "Not A Version" is not valid: use a version number/],
		['a deployed model id that is not a number', 'endpoint', 'undeployModel', { endpointId: 'nr-input', deployedModelId: 'abc' }, {}, /"Deployed Model" \(msg\.deployedModelId\)/],
		['a split that does not add up to 100', 'endpoint', 'updateTrafficSplit', { endpointId: 'nr-input', trafficSplit: { '123': 60 } }, {}, /"Traffic Split" \(msg\.trafficSplit\) must add up to 100/],
		['changes that are text', 'endpoint', 'update', { endpointId: 'nr-input', payload: 'rename it' }, {}, /^"Changes" \(msg\.payload\) must be an object/],
		['changes that would steer the update elsewhere', 'endpoint', 'update', { endpointId: 'nr-input', payload: { endpoint: 'other', displayName: 'x' } }, {}, /^"Changes" \(msg\.payload\) has "endpoint": it takes displayName, description/],
		['changes that change nothing', 'endpoint', 'update', { endpointId: 'nr-input', payload: {} }, {}, /^"Changes" \(msg\.payload\): Nothing to update: give at least one of displayName/],
		['a label key the core refuses', 'endpoint', 'update', { endpointId: 'nr-input', payload: { labels: { Env: 'x' } } }, {}, /^labels(\.Env)? in "Changes" \(msg\.payload\): Label key "Env" is not valid/],
		['replicas below the minimum', 'deployedModel', 'update', { endpointId: 'nr-input', deployedModelId: '1234567890', payload: { minReplicaCount: 0 } }, {}, /minReplicaCount in "Changes" \(msg\.payload\) must be a whole number >= 1/],
		['a version alias the core refuses', 'model', 'update', { modelId: 'nr-input-model', payload: { addVersionAliases: ['Not An Alias'] } }, {}, /addVersionAliases.* in "Changes" \(msg\.payload\)|Version alias "Not An Alias" is not valid/],
		['an operation name that is not one', 'operation', 'get', { operationName: 'operations/1' }, {}, /"Operation Name" \(msg\.operationName\) "operations\/1" is not an operation name/],
		['a limit of 0', 'model', 'getAll', {}, { limit: 0 }, /^"Limit" must be a whole number of at least 1/],
		['a wait timeout below 0', 'model', 'delete', { modelId: 'nr-input-model' }, { waitTimeout: -1 }, /^"Wait Timeout \(min\)" must be a time above 0/],
		['a pool id the core refuses', 'deploymentResourcePool', 'create', { poolId: 'Bad_Pool' }, { poolId: 'poolId', poolIdType: 'msg', poolSettings: '{}', poolSettingsType: 'json' }, /"Pool ID" \(msg\.poolId\)/],
		[
			'pool settings with a machine type the core refuses',
			'deploymentResourcePool',
			'create',
			{ pool: { dedicatedResources: { machineSpec: { machineType: 'nohyphen' }, minReplicaCount: 1 } } },
			{ poolId: 'nr-bad-pool', poolIdType: 'str', poolSettings: 'pool', poolSettingsType: 'msg' },
			/dedicatedResources\.machineSpec\.machineType in "Pool Settings" \(msg\.pool\)/,
		],
	])('%s', async (_case, resource, operation, msg, settings, expected) => {
		expect(await refusal(resource, operation, msg, settings)).toMatch(expected);
	});

	it('a token pasted where an id goes is never quoted back', async () => {
		const token = `ya29.${'a1B2'.repeat(30)}`;
		const message = await refusal('endpoint', 'get', { endpointId: token });
		expect(message).toMatch(/^"Endpoint" \(msg\.endpointId\) /);
		expect(message).not.toContain(token.slice(0, 20));
	});

	it('a model given with a version and a version: the model field is named', async () => {
		expect(await refusal('model', 'deleteVersion', { modelId: 'nr-input-model@1' }, { version: '2', versionType: 'str' })).toBe(
			'"Model" (msg.modelId) must name the model without a version (got "nr-input-model@1"): put the version in "Version". Nothing was sent.',
		);
	});

	it('an operation the node does not have', async () => {
		expect(await refusal('model', 'undeployModel', { modelId: 'nr-input-model' })).toMatch(/^"Operation" must be one of get, getAll, listVersions, update, delete, deleteVersion for model/);
	});
});

describe('Manage: close stops a wait in flight', () => {
	it('a redeploy aborts the wait within the grace period; no message, no error', async () => {
		// The operation's polls hang, so the wait is in flight when the flow goes away.
		const started = await env.client.mutateDeployedModel({ endpoint: 'nr-input', deployedModelId, maxReplicaCount: 3 });
		env.emulator.addFault({ kind: 'slow-headers', delayMs: 20_000, rate: 1, path: '/operations/' });
		const captured = await loadFlow(env, [vertexAiManage], [manageNode('operation', 'wait', { waitTimeout: 5 })]);
		const statuses: Array<{ text?: string }> = [];
		(helper.getNode('manage') as unknown as { on(event: string, listener: (call: { args: unknown[] }) => void): void }).on('call:status', (call) =>
			statuses.push(call.args[0] as { text?: string }),
		);
		helper.getNode('manage').receive({ operationName: started.name });
		await until(() => statuses.length > 0, 10_000, 'the status of the wait');
		await new Promise((resolve) => setTimeout(resolve, 200));
		const closing = Date.now();
		await helper.unload();
		expect(Date.now() - closing).toBeLessThan(5_000);
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(captured.messages).toEqual([]);
		expect(captured.errors).toEqual([]);
	});
});
