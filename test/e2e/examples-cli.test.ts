/**
 * Examples 1-3, 5 and 7 and a failing deploy through the n8n CLI (import:credentials, import:workflow,
 * execute --id) of a real n8n 2.40.7, with this package installed as a community package and the
 * emulator as its own process. Example 1 deploys the sample model server; examples 2 and 3 then use
 * that endpoint, as a user would after running example 1. Only with N8N_E2E=1, after npm run build.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { loadExample, nodeNamed, type ExampleWorkflow } from '../../examples';
import { clientFromCredential } from '../../nodes/shared/client';
import { ensureN8n } from '../../scripts/n8n-install';
import { executeWorkflow, importWorkflow } from '../../scripts/n8n-run/instance';
import { keySecrets, startEmulatorProcess, type EmulatorProcess } from '../../scripts/n8n-run/emulator';
import { describeE2e, prepareN8n, requireFreshBuild, sampleChatReply, sampleChunkText, type PreparedN8n } from './support';

const ENDPOINT_ID = 'sample-chat-endpoint';
/** Example 7's endpoint: Private Service Connect only, so its data plane answers on the emulator's PSC listener alone. */
const PRIVATE_ENDPOINT_ID = 'private-llm-endpoint';
/** Scale-to-zero periods times this: example 7's 15 idle minutes become 4.5 s, its 5 minutes scaled up 1.5 s. */
const SCALE_TO_ZERO_TIME_SCALE = 0.005;

/** The "other service" of example 3: records what it receives and answers with a receipt. */
function startIngestService() {
	const received: Array<{ method?: string; url?: string; contentType?: string; body: unknown }> = [];
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (data) => (body += data));
		req.on('end', () => {
			received.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body: JSON.parse(body || 'null') });
			res.writeHead(201, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ stored: true, receipt: `r-${received.length}` }));
		});
	});
	return new Promise<{ url: string; received: typeof received; close(): Promise<void> }>((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			resolve({
				url: `http://127.0.0.1:${port}/ingest`,
				received,
				close: () => new Promise<void>((done) => server.close(() => done())),
			});
		});
	});
}

/** Example 1 with its own ids and a model server that answers 503 on its health route forever. */
function neverHealthyPipeline(imageUri: string): ExampleWorkflow {
	const workflow = loadExample('deployPipeline', { imageUri });
	workflow.id = 'vertexE2eUnhealthy';
	workflow.name = 'Deploy a model server that never becomes healthy';
	const upload = nodeNamed(workflow, 'Upload Model');
	upload.parameters.args = ['--never-healthy'];
	upload.parameters.modelId = 'never-healthy-model';
	upload.parameters.options = { deploymentTimeoutSeconds: 2 };
	nodeNamed(workflow, 'Create Dedicated Endpoint').parameters.endpointId = 'never-healthy-endpoint';
	return workflow;
}

/**
 * Example 5 with its own ids, 1-second Waits and a model server that takes `args` (e.g. a health delay),
 * so the Wait loop goes round while the deploy runs.
 */
function waitLoopDeploy(imageUri: string, id: string, args: string[], deploymentTimeoutSeconds?: number): ExampleWorkflow {
	const workflow = loadExample('deployWithoutHoldingAWorker', { imageUri });
	workflow.id = `vertexE2eWaitLoop${id}`;
	workflow.name = `Deploy in a Wait loop (${id})`;
	const upload = nodeNamed(workflow, 'Upload Model');
	upload.parameters.modelId = `wait-loop-${id.toLowerCase()}`;
	upload.parameters.args = args;
	if (deploymentTimeoutSeconds) upload.parameters.options = { deploymentTimeoutSeconds };
	nodeNamed(workflow, 'Create Dedicated Endpoint').parameters.endpointId = `wait-loop-${id.toLowerCase()}`;
	nodeNamed(workflow, 'Wait').parameters.amount = 1;
	return workflow;
}

/** What the emulator forwarded to a model server of example 7's endpoint, in order, with the listener that served it. */
async function forwardedToPrivateEndpoint(emulator: EmulatorProcess): Promise<Array<{ path: string; deployedModelId: string; listener: string }>> {
	const log = (await (await fetch(`${emulator.baseUrl}/emulator/requests?outcome=forwarded`)).json()) as {
		requests: Array<{ endpointId: string; path: string; deployedModelId: string; listener: string }>;
	};
	return log.requests
		.filter((entry) => entry.endpointId === PRIVATE_ENDPOINT_ID)
		.map(({ path, deployedModelId, listener }) => ({ path, deployedModelId, listener }));
}

describeE2e('examples through the n8n CLI', () => {
	let emulator: EmulatorProcess;
	let n8n: PreparedN8n;
	let ingest: Awaited<ReturnType<typeof startIngestService>>;
	const workflows: Record<string, ExampleWorkflow> = {};

	beforeAll(async () => {
		requireFreshBuild();
		await ensureN8n();
		ingest = await startIngestService();
		emulator = await startEmulatorProcess({ operationStepMs: 20, scaleToZeroTimeScale: SCALE_TO_ZERO_TIME_SCALE });
		// The emulator's PSC CA stands for the CA of the project's PSC endpoints, in the credential as a user puts it.
		n8n = await prepareN8n(emulator, { credentialExtra: { privateServiceConnect: true, privateEndpointCaCertificate: emulator.pscCaCertificate } });
		workflows.deploy = loadExample('deployPipeline', { imageUri: emulator.builtInImage });
		workflows.batch = loadExample('scheduledBatch', { endpointId: ENDPOINT_ID });
		workflows.chain = loadExample('chainToService', { endpointId: ENDPOINT_ID, serviceUrl: ingest.url });
		workflows.unhealthy = neverHealthyPipeline(emulator.builtInImage);
		workflows.waitLoop = waitLoopDeploy(emulator.builtInImage, 'Slow', ['--health-delay-ms=4000']);
		workflows.waitLoopFails = waitLoopDeploy(emulator.builtInImage, 'Sick', ['--never-healthy'], 2);
		// The emulator's PSC listener stands for the forwarding rule's address.
		workflows.privateGpu = loadExample('privateReservedGpu', { imageUri: emulator.builtInImage, privateAddress: emulator.pscUrl });
		for (const workflow of Object.values(workflows)) await importWorkflow(n8n.instance, workflow);
	}, 600_000);

	afterAll(async () => {
		await emulator?.stop();
		await ingest?.close();
		n8n?.remove();
	}, 60_000);

	it('example 1 uploads, creates the endpoint, deploys and streams chat chunks as items', async () => {
		const result = await executeWorkflow(n8n.instance, workflows.deploy.id);
		expect(result.error?.message).toBeUndefined();
		expect(result.code).toBe(0);
		expect(result.status).toBe('success');

		const [upload] = result.nodeOutput('Upload Model').map((item) => item.json);
		expect(upload).toMatchObject({ done: true, modelId: 'sample-chat-model', modelVersionId: '1' });
		expect(upload.model).toMatch(/^projects\/\d+\/locations\/us-central1\/models\/sample-chat-model$/);
		const [endpoint] = result.nodeOutput('Create Dedicated Endpoint').map((item) => item.json);
		expect(endpoint).toMatchObject({ endpointId: ENDPOINT_ID, existed: false });
		expect(endpoint.dedicatedEndpointDns).toMatch(/^sample-chat-endpoint\..*\.prediction\.vertexai\.goog$/);
		const [deploy] = result.nodeOutput('Deploy Model').map((item) => item.json);
		expect(deploy.deployedModelId).toMatch(/^\d{19}$/);
		expect(deploy.trafficSplit).toEqual({ [deploy.deployedModelId as string]: 100 });

		const chunks = result.nodeOutput('Invoke Chat').map((item) => item.json);
		expect(chunks.map((chunk) => chunk.chunkIndex)).toEqual(chunks.map((_, index) => index));
		// The response facts once, on the first chunk; each chunk shows its text first.
		expect(chunks[0]).toMatchObject({ status: 200, deployedModelId: deploy.deployedModelId });
		expect(chunks.slice(1).some((chunk) => 'status' in chunk || 'deployedModelId' in chunk)).toBe(false);
		expect(chunks.filter((chunk) => 'text' in chunk).every((chunk) => Object.keys(chunk)[0] === 'text')).toBe(true);
		// The sample server streams an empty role delta, one content delta a word, a stop chunk and a usage chunk.
		const reply = sampleChatReply('Say hello from Vertex AI');
		const words = reply.split(' ').length;
		expect(chunks).toHaveLength(words + 3);
		expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe(reply);
		expect(chunks.at(-1)?.data).toMatchObject({ usage: { completion_tokens: words } });

		const printed = result.stdout + result.stderr;
		for (const secret of keySecrets(emulator.credentialData())) expect(printed.includes(secret)).toBe(false);
	}, 180_000);

	it('example 1 run twice more reuses everything: one model, one endpoint, one deployment and one model server', async () => {
		const processes = async () =>
			((await (await fetch(`${emulator.baseUrl}/emulator/processes`)).json()) as { processes: Array<{ deployedModelId: string }> }).processes;
		const [first] = await processes();
		for (let run = 2; run <= 3; run++) {
			const result = await executeWorkflow(n8n.instance, workflows.deploy.id);
			expect(result.error?.message).toBeUndefined();
			expect(result.status).toBe('success');
			const [deploy] = result.nodeOutput('Deploy Model').map((item) => item.json);
			expect(deploy).toMatchObject({ reused: true, deployedModelId: first.deployedModelId, trafficSplit: { [first.deployedModelId]: 100 } });
			expect(result.nodeOutput('Invoke Chat')[0].json.deployedModelId).toBe(first.deployedModelId);
		}
		expect((await processes()).map((process) => process.deployedModelId)).toEqual([first.deployedModelId]);
		const stats = (await (await fetch(`${emulator.baseUrl}/emulator/stats`)).json()) as { models: number; endpoints: number };
		expect(stats).toMatchObject({ models: 1, endpoints: 1 });
	}, 300_000);

	it('example 2 sends the prompts with concurrency and aggregates one answer per prompt, in order', async () => {
		const result = await executeWorkflow(n8n.instance, workflows.batch.id);
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');

		const prompts = result.nodeOutput('Make Prompts').map((item) => item.json.prompt as string);
		expect(prompts).toHaveLength(4);
		const [collected] = result.nodeOutput('Collect Answers').map((item) => item.json);
		const answers = collected.answers as Array<{ status: number; text: string; chunkCount: number; usage: { prompt_tokens: number } }>;
		expect(answers).toHaveLength(prompts.length);
		// The sample server counts the words of the prompt it was sent: each answer belongs to its prompt.
		expect(answers.map((answer) => answer.usage.prompt_tokens)).toEqual(prompts.map((prompt) => prompt.split(' ').length));
		expect(answers.every((answer) => answer.status === 200)).toBe(true);
		expect(answers.map((answer) => answer.text)).toEqual(prompts.map(sampleChatReply));
	}, 180_000);

	it('example 3 feeds the NDJSON stream, joined by a Code node, to another service over HTTP', async () => {
		const result = await executeWorkflow(n8n.instance, workflows.chain.id);
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');

		const chunks = result.nodeOutput('Generate').map((item) => item.json);
		// Six text lines, then the server's closing {"done": true} line.
		expect(chunks).toHaveLength(7);
		expect(chunks.at(-1)?.data).toMatchObject({ done: true, chunks: 6 });
		const expectedText = [0, 1, 2, 3, 4, 5].map(sampleChunkText).join('');
		expect(ingest.received).toEqual([
			{
				method: 'POST',
				url: '/ingest',
				contentType: expect.stringContaining('application/json'),
				body: { source: 'vertex-ai', text: expectedText, chunkCount: 6, deployedModelId: chunks[0].deployedModelId },
			},
		]);
		expect(result.nodeOutput('Send to Service').map((item) => item.json)).toEqual([{ stored: true, receipt: 'r-1' }]);
	}, 180_000);

	it('example 7 deploys on a reserved GPU with vLLM autoscaling and scale to zero, and answers through the PSC address only', async () => {
		const result = await executeWorkflow(n8n.instance, workflows.privateGpu.id);
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');

		const [endpoint] = result.nodeOutput('Create Dedicated Endpoint').map((item) => item.json);
		expect(endpoint).toMatchObject({ endpointId: PRIVATE_ENDPOINT_ID, dedicatedEndpointDns: null });
		expect(endpoint.privateServiceConnect).toMatchObject({
			projectAllowlist: ['your-project-id'],
			automatedEndpoints: [{ projectId: 'your-project-id', network: 'projects/your-project-id/global/networks/default', state: 'PSC_AUTOMATION_STATE_SUCCESSFUL' }],
		});
		const [deploy] = result.nodeOutput('Deploy Model').map((item) => item.json);
		expect(deploy.deployedModelId).toMatch(/^\d{19}$/);
		const [answer] = result.nodeOutput('Invoke Privately').map((item) => item.json);
		expect(answer).toMatchObject({ status: 200, deployedModelId: deploy.deployedModelId, text: sampleChatReply('Say hello from a private endpoint') });

		// What Vertex AI was asked for, as its Preview API (the only one with scale to zero) shows it.
		const token = await clientFromCredential(emulator.credentialData()).getAccessToken();
		const endpointPath = `projects/${emulator.projectId}/locations/${emulator.location}/endpoints/${PRIVATE_ENDPOINT_ID}`;
		const recorded = (await (await fetch(`${emulator.baseUrl}/v1beta1/${endpointPath}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
			deployedModels: Array<{ id: string; dedicatedResources: Record<string, unknown> }>;
		};
		expect(recorded.deployedModels).toHaveLength(1);
		expect(recorded.deployedModels[0].dedicatedResources).toMatchObject({
			machineSpec: {
				machineType: 'a3-highgpu-1g',
				acceleratorType: 'NVIDIA_H100_80GB',
				acceleratorCount: 1,
				reservationAffinity: {
					reservationAffinityType: 'SPECIFIC_RESERVATION',
					key: 'compute.googleapis.com/reservation-name',
					values: ['projects/your-project-id/zones/us-central1-a/reservations/your-h100-reservation'],
				},
			},
			maxReplicaCount: 2,
			requiredReplicaCount: 1,
			autoscalingMetricSpecs: [
				{ metricName: 'prometheus.googleapis.com/vertex_vllm_gpu_cache_usage_perc', target: 80 },
				{ metricName: 'prometheus.googleapis.com/vertex_vllm_num_requests_waiting', target: 10 },
			],
			scaleToZeroSpec: { idleScaledownPeriod: '900s', minScaleupPeriod: '300s' },
		});
		expect(recorded.deployedModels[0].dedicatedResources.minReplicaCount ?? 0).toBe(0);

		// The chat reached the model server through the PSC TLS listener (the request log says which listener served
		// it), and only that listener serves this endpoint: a public host refuses it.
		const chat = { path: '/v1/chat/completions', deployedModelId: deploy.deployedModelId, listener: 'psc' };
		expect(await forwardedToPrivateEndpoint(emulator)).toEqual([chat]);
		const publicCall = await fetch(`${emulator.baseUrl}/v1/${endpointPath}/invoke/v1/chat/completions`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] }),
		});
		expect(publicCall.status).toBe(400);
		expect(((await publicCall.json()) as { error: { message: string } }).error.message).toMatch(/uses Private Service Connect: reach it through its PSC endpoint address/);
		expect(await forwardedToPrivateEndpoint(emulator)).toEqual([chat]);

		const printed = result.stdout + result.stderr;
		for (const secret of keySecrets(emulator.credentialData())) expect(printed.includes(secret)).toBe(false);
	}, 180_000);

	it('example 7 again once its idle period passed: the deployment scaled to zero, the chat waits for a replica and is answered', async () => {
		const replicas = async () =>
			((await (await fetch(`${emulator.baseUrl}/emulator/processes`)).json()) as { processes: Array<{ deployedModelId: string }> }).processes;
		const [{ deployedModelId }] = await forwardedToPrivateEndpoint(emulator);
		// 4.5 s without a request (and 1.5 s up at least) stop the last replica.
		const deadline = Date.now() + 30_000;
		while ((await replicas()).some((process) => process.deployedModelId === deployedModelId)) {
			if (Date.now() > deadline) throw new Error(`deployed model ${deployedModelId} still runs a replica 30 s after its chat`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}

		const result = await executeWorkflow(n8n.instance, workflows.privateGpu.id);
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.nodeOutput('Deploy Model')[0].json).toMatchObject({ reused: true, deployedModelId });
		const [answer] = result.nodeOutput('Invoke Privately').map((item) => item.json);
		expect(answer).toMatchObject({ status: 200, deployedModelId, text: sampleChatReply('Say hello from a private endpoint') });
		const chat = { path: '/v1/chat/completions', deployedModelId, listener: 'psc' };
		expect(await forwardedToPrivateEndpoint(emulator)).toEqual([chat, chat]);
		expect((await replicas()).filter((process) => process.deployedModelId === deployedModelId)).toHaveLength(1);
	}, 180_000);

	it('example 5 deploys without waiting in the node: the Wait loop polls the operation until done, then Invoke answers', async () => {
		const result = await executeWorkflow(n8n.instance, workflows.waitLoop.id);
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		const [started] = result.nodeOutput('Start Deploy').map((item) => item.json);
		expect(started).toMatchObject({ done: false, deployedModelId: null, reused: false });
		expect(started.operationName).toMatch(/\/endpoints\/wait-loop-slow\/operations\/\d+$/);
		// Each round of the loop is one run of Check Deploy; the server needs 4 s to get healthy, the Wait is 1 s.
		const checks = result.run?.data.resultData.runData['Check Deploy'] ?? [];
		expect(checks.length).toBeGreaterThanOrEqual(2);
		const states = checks.map((run) => run.data?.main?.[0]?.[0]?.json as Record<string, unknown>);
		expect(states.slice(0, -1).every((state) => state.done === false && state.failed === false)).toBe(true);
		expect(states.at(-1)).toMatchObject({ operationName: started.operationName, done: true, failed: false, errorMessage: null });
		expect(result.nodeOutput('Stop With the Deploy Error')).toEqual([]);
		const [answer] = result.nodeOutput('Invoke Chat').map((item) => item.json);
		expect(answer).toMatchObject({ status: 200, text: sampleChatReply('Say hello from Vertex AI') });
	}, 180_000);

	it('example 5 with a deploy that fails stops at Stop and Error with the operation\'s message', async () => {
		const result = await executeWorkflow(n8n.instance, workflows.waitLoopFails.id);
		expect(result.status).toBe('error');
		expect(result.run?.data.resultData.lastNodeExecuted).toBe('Stop With the Deploy Error');
		const error = result.nodeError('Stop With the Deploy Error');
		expect(error?.message).toMatch(/^The deploy failed: .*did not answer 200 within the deployment timeout of 2s.* \(operation projects\/.*\/operations\/\d+\)$/);
		expect(result.nodeOutput('Invoke Chat')).toEqual([]);
	}, 180_000);

	it('a model server that never becomes healthy fails the deploy, and the message reaches the workflow result', async () => {
		const result = await executeWorkflow(n8n.instance, workflows.unhealthy.id);
		expect(result.code).toBe(1);
		expect(result.status).toBe('error');
		expect(result.run?.data.resultData.lastNodeExecuted).toBe('Deploy Model');
		const nodeError = result.nodeError('Deploy Model');
		expect(nodeError?.message).toBeDefined();
		const shown = `${nodeError?.message} ${nodeError?.description ?? ''}`;
		expect(shown).toMatch(/never became ready: health route \/health did not answer 200 within the deployment timeout of 2s/);
		expect(result.error?.message).toBe(nodeError?.message);
		expect(result.nodeOutput('Invoke Chat')).toEqual([]);
	}, 180_000);
});
