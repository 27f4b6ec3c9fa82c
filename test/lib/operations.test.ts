/** Long-running operations against a loopback server: success with progress, failure, timeout then
 *  resume from the name, abort, cancel; and against the emulator, waits that ride out 503s and Retry-After
 *  and end at once on a 403 / 404. */
import { readFileSync } from 'node:fs';

import { startEmulator, type RunningEmulator } from '../../emulator';
import {
	checkWaitTimeout,
	closeSharedAgent,
	DEPLOY_MODEL,
	VertexApiError,
	VertexClient,
	VertexOperationError,
	VertexValidationError,
	WAIT_TIMEOUT_RULE,
	type Operation,
} from '../../lib';
import { accessToken, apiClient, createEndpoint, startDeploy, uploadModel, type Api } from '../emulator/helpers';
import { FakeGoogle, sendJson } from './support/fakeGoogle';

let fake: FakeGoogle;
let client: VertexClient;
/** Scripted states per operation name: each poll returns the next, then the last again. */
const scripts = new Map<string, Operation[]>();
const cancelled: string[] = [];

const OP_PREFIX = 'projects/123456789012/locations/us-central1/endpoints/8123456789/operations';
const fast = { initialDelayMs: 5, maxDelayMs: 20 };

function script(id: string, states: Array<Partial<Operation>>): string {
	const name = `${OP_PREFIX}/${id}`;
	scripts.set(
		name,
		states.map((state) => ({ name, ...state })),
	);
	return name;
}

function pollsOf(name: string): number {
	return fake.apiRequests.filter((request) => request.method === 'GET' && request.path === `/v1/${name}`).length;
}

beforeAll(async () => {
	fake = await FakeGoogle.start();
	fake.route('GET', /\/operations\/[^/]+$/, (request, response) => {
		const name = request.path.slice('/v1/'.length);
		const states = scripts.get(name);
		if (!states) return sendJson(response, 404, { error: { code: 404, status: 'NOT_FOUND', message: `operation ${name} not found` } });
		const state = states.length > 1 ? states.shift()! : states[0];
		sendJson(response, 200, state);
	});
	fake.route('POST', /\/operations\/[^/]+:cancel$/, (request, response) => {
		cancelled.push(request.path.slice('/v1/'.length, -':cancel'.length));
		sendJson(response, 200, {});
	});
	client = new VertexClient({
		credential: { kind: 'accessToken', accessToken: fake.mintToken() },
		projectId: 'my-proj',
		location: 'us-central1',
		apiBaseUrl: fake.url,
	});
});

afterAll(async () => {
	await closeSharedAgent();
	await fake.close();
});

it('polls the returned name verbatim until done, reporting each deployment stage', async () => {
	const name = script('7010', [
		{ metadata: { deploymentStage: 'PREPARING_MODEL' } },
		{ metadata: { deploymentStage: 'STARTING_MODEL_SERVER' } },
		{ done: true, metadata: { deploymentStage: 'SUCCESSFULLY_DEPLOYED' }, response: { deployedModel: { id: '1206978444030640128' } } },
	]);
	const stages: unknown[] = [];
	const started: Operation = { name, metadata: { deploymentStage: 'STARTING_DEPLOYMENT' } };
	const done = await client.waitForOperation(started, { ...fast, onProgress: (op) => stages.push(op.metadata?.deploymentStage) });
	expect(done.done).toBe(true);
	expect(done.response).toEqual({ deployedModel: { id: '1206978444030640128' } });
	expect(stages).toEqual(['PREPARING_MODEL', 'STARTING_MODEL_SERVER', 'SUCCESSFULLY_DEPLOYED']);
	// Project number from the operation name, not the client's project id.
	expect(pollsOf(name)).toBe(3);
});

it('reports each deployment stage once through onStageChange, however often it is polled', async () => {
	const name = script('7001', [
		{ metadata: { deploymentStage: 'PREPARING_MODEL' } },
		{ metadata: { deploymentStage: 'PREPARING_MODEL' } },
		{ metadata: { deploymentStage: 'PREPARING_MODEL' } },
		{ metadata: { deploymentStage: 'STARTING_MODEL_SERVER' } },
		{ metadata: { deploymentStage: 'STARTING_MODEL_SERVER' } },
		{ done: true, metadata: { deploymentStage: 'SUCCESSFULLY_DEPLOYED' }, response: { deployedModel: { id: '1206978444030640128' } } },
	]);
	const changes: string[] = [];
	const { result } = await client.waitForResult(DEPLOY_MODEL, name, { ...fast, onStageChange: (stage) => changes.push(stage) });
	expect(changes).toEqual(['PREPARING_MODEL', 'STARTING_MODEL_SERVER', 'SUCCESSFULLY_DEPLOYED']);
	expect(pollsOf(name)).toBe(6);
	expect(result).toMatchObject({ deployedModelId: '1206978444030640128', endpointId: '8123456789' });
});

it('throws VertexOperationError(failed) with the gRPC code and message', async () => {
	const name = script('7020', [
		{},
		{ done: true, error: { code: 9, message: 'Model server never became healthy: health route returned 500.' } },
	]);
	const error = (await client.waitForOperation(name, fast).catch((caught: unknown) => caught)) as VertexOperationError;
	expect(error).toBeInstanceOf(VertexOperationError);
	expect(error.reason).toBe('failed');
	expect(error.code).toBe(9);
	expect(error.operationName).toBe(name);
	expect(error.message).toContain('FAILED_PRECONDITION');
	expect(error.message).toContain('never became healthy');
});

it('times out with the name and a resumable message, then a new wait from the name succeeds', async () => {
	const name = script('7030', [{ metadata: { deploymentStage: 'CREATING_SERVING_CLUSTER' } }]);
	const error = (await client
		.waitForOperation({ name }, { ...fast, timeoutMs: 150 })
		.catch((caught: unknown) => caught)) as VertexOperationError;
	expect(error).toBeInstanceOf(VertexOperationError);
	expect(error.reason).toBe('timeout');
	expect(error.operationName).toBe(name);
	expect(error.message).toContain(name);
	expect(error.message).toMatch(/still running/);
	expect(pollsOf(name)).toBeGreaterThan(1);

	scripts.set(name, [{ name, done: true, response: { '@type': 'type.googleapis.com/google.cloud.aiplatform.v1.DeployModelResponse' } }]);
	const resumed = await client.waitForOperation(error.operationName, fast);
	expect(resumed.done).toBe(true);
	expect(resumed.response?.['@type']).toContain('DeployModelResponse');
});

it('stops waiting when the signal aborts, naming the operation (which goes on)', async () => {
	const name = script('7040', [{}]);
	const controller = new AbortController();
	const pending = client.waitForOperation(name, { ...fast, signal: controller.signal, onProgress: () => controller.abort() });
	const error = (await pending.catch((caught: unknown) => caught)) as VertexOperationError;
	expect(error).toBeInstanceOf(VertexOperationError);
	expect(error.reason).toBe('aborted');
	expect(error.operationName).toBe(name);
	expect(pollsOf(name)).toBe(1);
});

it('returns an operation that is already done without polling, and throws for a done failure', async () => {
	const done = await client.waitForOperation({ name: '', done: true, response: { name: 'x' } });
	expect(done.response).toEqual({ name: 'x' });
	await expect(client.waitForOperation({ name: `${OP_PREFIX}/7060`, done: true, error: { code: 1, message: 'cancelled' } })).rejects.toMatchObject({
		reason: 'failed',
		code: 1,
	});
});

it('gets and cancels an operation by name', async () => {
	const name = script('7050', [{ metadata: { deploymentStage: 'PREPARING_MODEL' } }]);
	const operation = await client.getOperation(name);
	expect(operation.metadata?.deploymentStage).toBe('PREPARING_MODEL');
	await client.cancelOperation(name);
	expect(cancelled).toEqual([name]);
});

it('refuses a malformed operation name before any request', async () => {
	const before = fake.requests.length;
	for (const bad of ['operations/123', 'projects/p/locations/l/operations/../../x', 'projects/p/locations/l/operations/1?alt=json', '']) {
		await expect(client.getOperation(bad)).rejects.toThrow(VertexValidationError);
	}
	expect(fake.requests).toHaveLength(before);
});

describe('against the emulator: poll errors during a deploy', () => {
	let emulator: RunningEmulator;
	let api: Api;
	let modelName: string;
	let endpointName: string;
	const clientFor = (emulator: RunningEmulator, retry?: { maxRetryAfterMs: number }) =>
		new VertexClient({
			credential: { kind: 'serviceAccountKey', keyJson: readFileSync(emulator.serviceAccountKeyFile, 'utf8') },
			location: emulator.location,
			apiBaseUrl: emulator.baseUrl,
			tokenUrl: emulator.tokenUrl,
			...(retry ? { retry } : {}),
		});
	const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const refusedPolls = (name: string, status: number) =>
		emulator.requestLog('rejected').filter((entry) => entry.method === 'GET' && entry.path === `/v1/${name}` && entry.status === status);

	async function startedDeploy(): Promise<Operation> {
		const started = await startDeploy(api, endpointName, modelName, null);
		if (started.status !== 200) throw new Error(`deploy refused: ${started.text}`);
		return started.json as Operation;
	}

	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 100 });
		api = apiClient(emulator, await accessToken(emulator));
		modelName = (await uploadModel(api, emulator)).modelName;
		endpointName = (await createEndpoint(api, emulator)).name;
	});
	afterEach(() => emulator.clearFaults());
	afterAll(() => emulator.close());

	it('rides out 10 s of 503 on every poll and ends with the deployed model', async () => {
		const operation = await startedDeploy();
		emulator.addFault({ kind: 'unavailable', method: 'GET', path: `^/v1/${literal(operation.name)}$`, durationMs: 10_000 });
		const startedAt = Date.now();
		const done = await clientFor(emulator).waitForOperation(operation);
		const waitedMs = Date.now() - startedAt;
		const refused = refusedPolls(operation.name, 503);
		const deployedId = (done.response?.deployedModel as { id?: string } | undefined)?.id;
		const span = Date.parse(refused[refused.length - 1].at) - Date.parse(refused[0].at);
		console.log(`emulator: ${refused.length} polls answered 503 over ${(span / 1000).toFixed(1)} s; the wait ended after ${(waitedMs / 1000).toFixed(1)} s with deployed model ${deployedId}`);
		expect(refused.length).toBeGreaterThanOrEqual(5);
		// Polls back off after errors (1, 2, 4, 8 s...), so the last refused one can come anywhere after ~5 s of the 10:
		// what matters is that they failed for far longer than the transport's own retries and the wait outlived them.
		expect(span).toBeGreaterThan(5_000);
		expect(waitedMs).toBeGreaterThanOrEqual(10_000);
		expect(done.done).toBe(true);
		expect(deployedId).toMatch(/^[0-9]+$/);
		const endpoint = await api('GET', `/v1/${endpointName}`);
		expect(endpoint.json.deployedModels.map((deployed: { id: string }) => deployed.id)).toContain(deployedId);
	}, 40_000);

	it("waits for a 429's Retry-After before polling again, also when the transport would not wait that long", async () => {
		const operation = await startedDeploy();
		emulator.addFault({ kind: 'rate-limit', method: 'GET', path: `^/v1/${literal(operation.name)}$`, count: 2, retryAfterSeconds: 2 });
		const polledAt: number[] = [];
		// The transport returns a 429 whose Retry-After exceeds maxRetryAfterMs at once: the poller waits it out.
		const done = await clientFor(emulator, { maxRetryAfterMs: 500 }).waitForOperation(operation, { onProgress: () => polledAt.push(Date.now()) });
		const limited = refusedPolls(operation.name, 429).map((entry) => Date.parse(entry.at));
		expect(done.done).toBe(true);
		expect(limited).toHaveLength(2);
		expect(limited[1] - limited[0]).toBeGreaterThanOrEqual(1_950);
		expect(polledAt[0] - limited[1]).toBeGreaterThanOrEqual(1_950);
	}, 30_000);

	it.each([
		['403 (a project the credential cannot reach)', (name: string) => name.replace(/^projects\/[^/]+\//, 'projects/999999999999/'), 403],
		['404 (no such operation)', (name: string) => name.replace(/[^/]+$/, '1234567890123456789'), 404],
	])('a %s ends the wait at once, naming the operation', async (_label, nameFor, httpStatus) => {
		const operation = await startedDeploy();
		const name = nameFor(operation.name);
		const client = clientFor(emulator);
		const startedAt = Date.now();
		const error = (await client.waitForOperation(name).catch((caught: unknown) => caught)) as VertexApiError;
		expect(Date.now() - startedAt).toBeLessThan(1_000);
		expect(error).toBeInstanceOf(VertexApiError);
		expect(error.httpStatus).toBe(httpStatus);
		// The reason first; the operation named in the context at the end.
		expect(error.message).toMatch(/^Stopped waiting: polling the operation failed/);
		expect(error.context).toContain(`operation ${name}`);
		expect(error.cause).toBeInstanceOf(VertexApiError);
		expect(refusedPolls(name, httpStatus)).toHaveLength(1);
		// The deploy itself went on.
		expect((await client.waitForOperation(operation)).done).toBe(true);
	});
});

describe('the wait timeout', () => {
	it.each([0, -5, Number.NaN, Infinity])('refuses %p before polling, naming timeoutMs and its rule', async (timeoutMs) => {
		const name = script('987654321', [{ done: true }]);
		const polls = pollsOf(name);
		const refusal = await client.waitForOperation(name, { ...fast, timeoutMs }).catch((error: unknown) => error);
		expect(refusal).toBeInstanceOf(VertexValidationError);
		expect(refusal).toMatchObject({ field: 'timeoutMs', rule: WAIT_TIMEOUT_RULE });
		expect(pollsOf(name)).toBe(polls);
	});

	it('checkWaitTimeout gives a good timeout back', () => {
		expect(checkWaitTimeout(1500)).toBe(1500);
	});
});
