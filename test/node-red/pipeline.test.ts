/**
 * Upload Model -> Create Dedicated Endpoint -> Deploy Model -> Invoke in a Node-RED runtime against the emulator:
 * each node passes the ids on in msg, the waits show their stage in the status, "if already deployed" reuses or
 * replaces, and close stops a wait in flight.
 */
import vertexAiCreateEndpoint from '../../node-red/src/vertexAiCreateEndpoint';
import vertexAiDeployModel from '../../node-red/src/vertexAiDeployModel';
import vertexAiInvoke from '../../node-red/src/vertexAiInvoke';
import vertexAiUploadModel from '../../node-red/src/vertexAiUploadModel';
import { CONFIG_ID, emulatorConfig, helper, nodeRedPerTest, loadFlow, recordStatuses, until, type EmulatorConfig } from './support';

const MODULES = [vertexAiUploadModel, vertexAiCreateEndpoint, vertexAiDeployModel, vertexAiInvoke];

let env: EmulatorConfig;

beforeAll(async () => {
	// Deploy stages long enough for a close to come while the node waits.
	env = await emulatorConfig({ operationStepMs: 400 });
});
afterAll(async () => {
	await env.close();
});
nodeRedPerTest();

async function pollCount(id: string): Promise<number> {
	const { faults } = (await (await fetch(`${env.emulator.baseUrl}/emulator/faults`)).json()) as { faults: Array<{ id: string; hits: number }> };
	return faults.find((fault) => fault.id === id)?.hits ?? 0;
}

function pipeline(modelId: string, endpointId: string, deploy: Record<string, unknown> = {}) {
	return [
		{ id: 'upload', type: 'vertex-ai-upload-model', vertex: CONFIG_ID, modelId, modelIdType: 'str', displayName: modelId, displayNameType: 'str', imageUri: env.emulator.builtInImage, imageUriType: 'str', ifExists: 'use', routeMode: 'invoke', wires: [['create']] },
		{ id: 'create', type: 'vertex-ai-create-endpoint', vertex: CONFIG_ID, endpointId, endpointIdType: 'str', displayName: endpointId, displayNameType: 'str', ifExists: 'use', wires: [['deploy']] },
		{ id: 'deploy', type: 'vertex-ai-deploy-model', vertex: CONFIG_ID, endpoint: 'endpointId', endpointType: 'msg', model: 'modelId', modelType: 'msg', machineType: 'n1-standard-4', machineTypeType: 'str', ifDeployed: 'use', wires: [['invoke']], ...deploy },
		{ id: 'invoke', type: 'vertex-ai-invoke', vertex: CONFIG_ID, endpoint: 'endpointId', endpointType: 'msg', path: '/v1/chat/completions', pathType: 'str', body: '{"messages":[{"role":"user","content":"Hi"}],"stream":true}', bodyType: 'json', output: 'answer', wires: [['out']] },
	];
}

describe('the deploy pipeline in Node-RED', () => {
	it('uploads, creates, deploys and invokes, the ids passed on in msg, the deploy stages shown in the status', async () => {
		const captured = await loadFlow(env, MODULES, pipeline('nr-model', 'nr-endpoint'));
		const statuses = recordStatuses('deploy');
		helper.getNode('upload').receive({ payload: 'go' });
		await until(() => captured.messages.length > 0 || captured.errors.length > 0, 30_000, 'the answer');
		expect(captured.errors.map((msg) => (msg.error as Error).message)).toEqual([]);
		const answer = captured.messages[0];
		expect(answer).toMatchObject({ modelId: 'nr-model', endpointId: 'nr-endpoint', deployedModelId: expect.stringMatching(/^\d+$/) });
		expect(answer.payload).toMatch(/^Hello from the sample model server/);
		expect(answer.vertex).toMatchObject({ deployedModelId: answer.deployedModelId });
		const texts = statuses.map((status) => status.text ?? '');
		expect(texts[0]).toBe('deploying');
		// The emulator goes through Vertex's deploy stages; each new one is shown while the node waits.
		const stages = statuses.filter((status) => status.fill === 'yellow').map((status) => status.text);
		expect(stages.length).toBeGreaterThan(0);
		for (const stage of stages) expect(stage).toMatch(/^(starting deployment|preparing model|creating serving cluster|adding nodes to cluster|getting container image|starting model server|finishing up|successfully deployed)$/);
		expect(statuses.at(-1)).toMatchObject({ fill: 'green', text: `deployed ${String(answer.deployedModelId)}` });
	});

	it('runs again without deploying twice (if already deployed: use it), and "replace" deploys a new copy', async () => {
		const captured = await loadFlow(env, MODULES, pipeline('nr-model', 'nr-endpoint'));
		helper.getNode('upload').receive({ payload: 'again' });
		await until(() => captured.messages.length > 0 || captured.errors.length > 0, 30_000, 'the answer');
		const first = captured.messages[0].deployedModelId;
		const endpoint = await env.client.getEndpoint('nr-endpoint');
		expect(endpoint.deployedModels?.map((deployed) => deployed.id)).toEqual([first]);
		await helper.unload();

		const replaced = await loadFlow(env, MODULES, pipeline('nr-model', 'nr-endpoint', { ifDeployed: 'replace' }));
		helper.getNode('upload').receive({ payload: 'replace' });
		await until(() => replaced.messages.length > 0 || replaced.errors.length > 0, 30_000, 'the answer');
		expect(replaced.errors).toEqual([]);
		const second = replaced.messages[0].deployedModelId;
		expect(second).not.toBe(first);
		expect((await env.client.getEndpoint('nr-endpoint')).deployedModels?.map((deployed) => deployed.id)).toEqual([second]);
	});

	it('without an id, "use" has nothing to reuse: upload and create make new ones under ids Vertex picks', async () => {
		const captured = await loadFlow(env, MODULES, [
			{ id: 'upload', type: 'vertex-ai-upload-model', vertex: CONFIG_ID, displayName: 'nr-no-id', displayNameType: 'str', imageUri: env.emulator.builtInImage, imageUriType: 'str', ifExists: 'use', wires: [['create']] },
			{ id: 'create', type: 'vertex-ai-create-endpoint', vertex: CONFIG_ID, displayName: 'nr-no-id', displayNameType: 'str', ifExists: 'use', wires: [['out']] },
		]);
		helper.getNode('upload').receive({ payload: 'go' });
		await until(() => captured.messages.length > 0 || captured.errors.length > 0, 30_000, 'the endpoint');
		expect(captured.errors.map((msg) => (msg.error as Error).message)).toEqual([]);
		const [created] = captured.messages;
		expect(created.payload).toMatchObject({ existed: false, operationName: expect.any(String) });
		expect(created).toMatchObject({ modelId: expect.stringMatching(/^\d+$/), endpointId: expect.stringMatching(/^\d+$/) });
	});

	it('close while a deploy waits stops the wait at once: no more polls, nothing sent, no error', async () => {
		const captured = await loadFlow(env, MODULES, pipeline('nr-slow', 'nr-slow-endpoint'));
		const statuses = recordStatuses('deploy');
		// Counts the polls of operations (a fault that delays nothing).
		const polls = env.emulator.addFault({ kind: 'slow-headers', delayMs: 0, rate: 1, method: 'GET', path: '/operations/' }).id;
		helper.getNode('upload').receive({ payload: 'go' });
		await until(() => statuses.some((status) => status.fill === 'yellow'), 30_000, 'a deploy stage');
		const started = Date.now();
		await helper.unload();
		expect(Date.now() - started).toBeLessThan(1_500);
		const pollsAtClose = await pollCount(polls);
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect(await pollCount(polls)).toBe(pollsAtClose);
		expect(captured.messages).toEqual([]);
		expect(captured.errors).toEqual([]);
		env.emulator.clearFaults();
	});
});
