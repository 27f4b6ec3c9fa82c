/**
 * Every node fed malformed msg properties (and a config with a broken credential): each message fails through
 * done() with an error a Catch node sees, naming the field as the node shows it and where its value came from,
 * and nothing is sent: no message out, no token minted, no request to Vertex AI.
 */
import vertexAiCreateEndpoint from '../../node-red/src/vertexAiCreateEndpoint';
import vertexAiDeployModel from '../../node-red/src/vertexAiDeployModel';
import vertexAiInvoke from '../../node-red/src/vertexAiInvoke';
import vertexAiUploadModel from '../../node-red/src/vertexAiUploadModel';
import type { NodeMessage } from '../../node-red/src/red';
import { CONFIG_ID, emulatorConfig, helper, nodeRedPerTest, loadFlow, until, type EmulatorConfig } from './support';

let env: EmulatorConfig;
let requests: string;

beforeAll(async () => {
	env = await emulatorConfig();
	// Counts every request that reaches the emulator (a fault that delays nothing).
	requests = env.emulator.addFault({ kind: 'slow-headers', delayMs: 0, rate: 1, path: '.' }).id;
});
afterAll(async () => {
	await env.close();
});
nodeRedPerTest();

async function requestCount(): Promise<number> {
	const { faults } = (await (await fetch(`${env.emulator.baseUrl}/emulator/faults`)).json()) as { faults: Array<{ id: string; hits: number }> };
	return faults.find((fault) => fault.id === requests)?.hits ?? 0;
}

/** Each node with every typed input read from the message. */
const NODES = {
	invoke: {
		module: vertexAiInvoke,
		node: { type: 'vertex-ai-invoke', endpoint: 'endpointId', endpointType: 'msg', path: 'path', pathType: 'msg', body: 'payload', bodyType: 'msg', headers: 'headers', headersType: 'msg', deployedModel: 'deployedModelId', deployedModelType: 'msg' },
		good: { endpointId: 'ep', path: '/v1/chat/completions', payload: { messages: [] } },
	},
	upload: {
		module: vertexAiUploadModel,
		node: { type: 'vertex-ai-upload-model', modelId: 'modelId', modelIdType: 'msg', displayName: 'displayName', displayNameType: 'msg', imageUri: 'imageUri', imageUriType: 'msg', env: 'env', envType: 'msg', additionalFields: 'extra', additionalFieldsType: 'msg', routeMode: 'invoke' },
		good: { modelId: 'm1', displayName: 'model', imageUri: 'us-docker.pkg.dev/p/r/server:1' },
	},
	create: {
		module: vertexAiCreateEndpoint,
		node: { type: 'vertex-ai-create-endpoint', endpointId: 'endpointId', endpointIdType: 'msg', displayName: 'displayName', displayNameType: 'msg', additionalFields: 'extra', additionalFieldsType: 'msg' },
		good: { endpointId: 'ep1', displayName: 'endpoint' },
	},
	deploy: {
		module: vertexAiDeployModel,
		node: { type: 'vertex-ai-deploy-model', endpoint: 'endpointId', endpointType: 'msg', model: 'modelId', modelType: 'msg', machineType: 'machineType', machineTypeType: 'msg', additionalFields: 'extra', additionalFieldsType: 'msg' },
		good: { endpointId: 'ep1', modelId: 'm1', machineType: 'n1-standard-4' },
	},
} as const;

type Case = [node: keyof typeof NODES, change: NodeMessage, field: RegExp];

const CASES: Case[] = [
	['invoke', { endpointId: { id: 'ep' } }, /^"Endpoint" \(msg\.endpointId\) must be text; it is an object\./],
	['invoke', { endpointId: undefined }, /^"Endpoint" \(msg\.endpointId\) is required\./],
	['invoke', { endpointId: 'Not An Endpoint!' }, /"Endpoint" \(msg\.endpointId\)/],
	['invoke', { path: 'v1/chat' }, /"Path" \(msg\.path\)/],
	['invoke', { path: '/v1/../admin' }, /"Path" \(msg\.path\)/],
	['invoke', { headers: 'X-Trace: 1' }, /^"Headers" \(msg\.headers\) must be an object of names and values; it is a string\./],
	['invoke', { headers: { Authorization: 'Bearer someone-elses-token' } }, /"Headers" \(msg\.headers\)/],
	['invoke', { deployedModelId: 'not-a-number' }, /"Deployed Model" \(msg\.deployedModelId\)/],
	['upload', { modelId: 'Model_1' }, /"Model ID" \(msg\.modelId\)/],
	['upload', { displayName: '' }, /^"Display Name" \(msg\.displayName\) is required\./],
	['upload', { imageUri: ['a'] }, /^"Image URI" \(msg\.imageUri\) must be text; it is an array\./],
	['upload', { env: { PORT: { value: 1 } } }, /^"Environment" \(msg\.env\) value of "PORT" must be text\./],
	['upload', { env: { '1BAD': 'x' } }, /"Environment" \(msg\.env\)/],
	['upload', { extra: { notAField: 1 } }, /"Additional Fields" \(msg\.extra\)/],
	['create', { endpointId: 'UPPER-CASE' }, /"Endpoint ID" \(msg\.endpointId\)/],
	['create', { displayName: { text: 'endpoint' } }, /^"Display Name" \(msg\.displayName\) must be text; it is an object\./],
	['create', { extra: 'dedicated' }, /^"Additional Fields" \(msg\.extra\) must be an object/],
	['deploy', { endpointId: null }, /^"Endpoint" \(msg\.endpointId\) is required\./],
	['deploy', { modelId: { name: 'm1' } }, /^"Model" \(msg\.modelId\) must be text; it is an object\./],
	['deploy', { machineType: 'bigmachine' }, /"Machine Type" \(msg\.machineType\)/],
	['deploy', { extra: { dedicatedResources: 'x', noSuchThing: true } }, /"Additional Fields" \(msg\.extra\)/],
];

describe('malformed msg properties: a clear error naming the field, nothing sent', () => {
	it.each(CASES)('%s with %j', async (name, change, field) => {
		const { module, node, good } = NODES[name];
		const captured = await loadFlow(env, [module], [{ id: 'under-test', vertex: CONFIG_ID, wires: [['out']], ...node }]);
		const tokensBefore = env.emulator.tokensMinted();
		const requestsBefore = await requestCount();
		helper.getNode('under-test').receive({ ...good, ...change });
		await until(() => captured.errors.length > 0, 10_000, 'the error');
		const error = captured.errors[0].error as { message: string; source: { id: string } };
		expect(error.source.id).toBe('under-test');
		expect(error.message).toMatch(field);
		expect(error.message).toMatch(/Nothing was sent\.$/);
		expect(captured.messages).toEqual([]);
		expect(env.emulator.tokensMinted()).toBe(tokensBefore);
		expect(await requestCount()).toBe(requestsBefore);
	});

	it("a plain setting out of range names it too: Deploy Model's Wait Timeout of 0 minutes", async () => {
		const { module, node, good } = NODES.deploy;
		const captured = await loadFlow(env, [module], [{ id: 'under-test', vertex: CONFIG_ID, wires: [['out']], ...node, waitMinutes: '0' }]);
		helper.getNode('under-test').receive({ ...good });
		await until(() => captured.errors.length > 0, 10_000, 'the error');
		expect((captured.errors[0].error as { message: string }).message).toMatch(/^"Wait Timeout \(min\)" must be a time above 0/);
	});
});

describe('a broken config: the config field named, its value never shown, nothing sent', () => {
	const SECRET = 'ThisIsSecretMaterial0123456789';
	it.each([
		[{ serviceAccountJson: `{"private_key": "${SECRET}"` }, {}, /^Vertex AI config "emulator": "Service Account Key \(JSON\)" is not valid JSON/],
		[{ serviceAccountJson: `{"type":"service_account","private_key":"${SECRET}"}` }, {}, /"Service Account Key \(JSON\)"/],
		[{ accessToken: `two words ${SECRET}` }, { authentication: 'accessToken' }, /"Access Token" must be an OAuth access token/],
		[{ privateKey: SECRET }, { authentication: 'serviceAccountEmailKey', clientEmail: 'not-an-email' }, /"Client Email"/],
		[{}, { authentication: 'applicationDefault', projectId: 'P' }, /"Project"/],
		[{ accessToken: 'ya29.token' }, { authentication: 'accessToken', projectId: 'my-project', location: 'mars-north1' }, /"Location"|location/],
		[{ accessToken: 'ya29.token' }, { authentication: 'kerberos', projectId: 'my-project' }, /^Vertex AI config "emulator": "Authentication" must be one of/],
	])('credentials %j with %j', async (credentials, config, field) => {
		const broken = { ...env, configNode: { ...env.configNode, ...config }, credentials: { [CONFIG_ID]: credentials } } as unknown as EmulatorConfig;
		const { module, node, good } = NODES.invoke;
		const captured = await loadFlow(broken, [module], [{ id: 'under-test', vertex: CONFIG_ID, wires: [['out']], ...node }]);
		const tokensBefore = env.emulator.tokensMinted();
		helper.getNode('under-test').receive({ ...good });
		await until(() => captured.errors.length > 0, 10_000, 'the error');
		const { message } = captured.errors[0].error as { message: string };
		expect(message).toMatch(field);
		expect(message).not.toContain(SECRET);
		expect(captured.messages).toEqual([]);
		expect(env.emulator.tokensMinted()).toBe(tokensBefore);
	});
});
