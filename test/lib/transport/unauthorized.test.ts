/**
 * A token revoked mid-run (or expired early) gets a 401: the client mints a fresh token and sends the request once
 * more, for every kind of call (a control-plane GET, a POST with a body, an invoke with a body), against the real
 * emulator, whose admin API revokes tokens (POST /emulator/tokens:revoke). A second 401, or a credential that
 * cannot mint another token, ends in an error that says so.
 */
import { readFileSync } from 'node:fs';

import { startEmulator, type RunningEmulator } from '../../../emulator';
import { DEPLOY_MODEL, UPLOAD_MODEL, VertexApiError, VertexClient } from '../../../lib';
import { closeSharedAgent, TokenHostPolicy, VertexTransport } from '../support/lib-internals';
import { FakeGoogle, makeServiceAccountKey, sendGoogleError, sendJson } from '../support/fakeGoogle';

const wait = { timeoutMs: 30_000, initialDelayMs: 20, maxDelayMs: 100 };

describe('against the emulator', () => {
	let emulator: RunningEmulator;
	let client: VertexClient;

	const revokeAll = async () => {
		const answer = await fetch(`${emulator.baseUrl}/emulator/tokens:revoke`, { method: 'POST', body: '{}' });
		expect(answer.status).toBe(200);
		return ((await answer.json()) as { revoked: number }).revoked;
	};
	const rejected401 = () => emulator.requestLog('rejected').filter((entry) => entry.status === 401);

	beforeAll(async () => {
		emulator = await startEmulator({ operationStepMs: 20 });
		client = new VertexClient({
			credential: { kind: 'serviceAccountKey', keyJson: readFileSync(emulator.serviceAccountKeyFile, 'utf8') },
			location: emulator.location,
			apiBaseUrl: emulator.baseUrl,
			tokenUrl: emulator.tokenUrl,
		});
		const { operation } = await client.uploadModel({
			modelId: 'm',
			model: { displayName: 'm', containerSpec: { imageUri: emulator.builtInImage, invokeRoutePrefix: '/*', healthRoute: '/health' } },
		});
		await client.waitForResult(UPLOAD_MODEL, operation!, wait);
		const created = await client.createEndpoint({ endpointId: 'e', endpoint: { displayName: 'e' } });
		await client.waitForOperation(created.operation!, wait);
		const deployed = await client.deployModel({ endpoint: 'e', model: 'm', deployedModel: { dedicatedResources: { machineSpec: { machineType: 'n1-standard-4' } } } });
		await client.waitForResult(DEPLOY_MODEL, deployed.operation!, wait);
	});

	afterAll(async () => {
		await emulator.close();
	});

	beforeEach(async () => {
		await fetch(`${emulator.baseUrl}/emulator/requests`, { method: 'DELETE' });
	});

	it('the admin route revokes: a revoked token gets 401 from the API', async () => {
		const token = await client.getAccessToken();
		const before = await fetch(`${emulator.baseUrl}/v1/projects/${emulator.projectId}/locations/${emulator.location}/models`, {
			headers: { authorization: `Bearer ${token}` },
		});
		expect(before.status).toBe(200);
		expect(await (await fetch(`${emulator.baseUrl}/emulator/tokens:revoke`, { method: 'POST', body: JSON.stringify({ token }) })).json()).toEqual({ revoked: 1 });
		const after = await fetch(`${emulator.baseUrl}/v1/projects/${emulator.projectId}/locations/${emulator.location}/models`, {
			headers: { authorization: `Bearer ${token}` },
		});
		expect(after.status).toBe(401);
	});

	it('a control-plane GET after the token is revoked: one 401, a fresh token, the answer', async () => {
		// (The token revoked by the test above is replaced here.)
		await client.getModel('m');
		await fetch(`${emulator.baseUrl}/emulator/requests`, { method: 'DELETE' });
		const minted = emulator.tokensMinted();
		expect(await revokeAll()).toBeGreaterThan(0);
		const model = await client.getModel('m');
		expect(model.name).toMatch(/\/models\/m$/);
		expect(emulator.tokensMinted()).toBe(minted + 1);
		expect(rejected401()).toHaveLength(1);
		// The fresh token is kept: the next call needs no other.
		await client.getModel('m');
		expect(emulator.tokensMinted()).toBe(minted + 1);
	});

	it('many calls in flight when the token is revoked share one fresh token', async () => {
		await client.getModel('m');
		await revokeAll();
		const minted = emulator.tokensMinted();
		const models = await Promise.all(Array.from({ length: 12 }, () => client.getModel('m')));
		expect(models.every((model) => /\/models\/m$/.test(model.name))).toBe(true);
		expect(emulator.tokensMinted()).toBe(minted + 1);
	});

	it('a POST with a body after the token is revoked: sent again, whole, with a fresh token', async () => {
		await revokeAll();
		const minted = emulator.tokensMinted();
		const { operation } = await client.createEndpoint({ endpointId: 'after-revoke', endpoint: { displayName: 'made after a 401', labels: { kind: 'retry' } } });
		expect(operation?.name).toMatch(/\/operations\/\d+$/);
		expect(emulator.tokensMinted()).toBe(minted + 1);
		expect(rejected401()).toHaveLength(1);
		const endpoint = await client.getEndpoint('after-revoke');
		expect(endpoint).toMatchObject({ displayName: 'made after a 401', labels: { kind: 'retry' } });
	});

	it('an invoke with a body after the token is revoked: sent again, whole, with a fresh token', async () => {
		await revokeAll();
		const minted = emulator.tokensMinted();
		const response = await client.invoke({ endpoint: 'e', path: '/echo', body: { kind: 'json', value: { question: 'still there?' } } });
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ method: 'POST', path: '/echo', body: JSON.stringify({ question: 'still there?' }) });
		expect(emulator.tokensMinted()).toBe(minted + 1);
		expect(rejected401()).toHaveLength(1);
		expect(emulator.requestLog('forwarded')).toHaveLength(1);
	});

	it('a streamed invoke and an operation wait survive a revoke too', async () => {
		await revokeAll();
		const response = await client.invoke({
			endpoint: 'e',
			path: '/v1/chat/completions',
			body: { kind: 'json', value: { messages: [{ role: 'user', content: 'hi' }], stream: true } },
		});
		let chunks = 0;
		for await (const chunk of response.chunks()) if (chunk) chunks++;
		expect(chunks).toBeGreaterThan(1);
		const { operation } = await client.createEndpoint({ endpointId: 'waited', endpoint: { displayName: 'waited' } });
		await revokeAll();
		await expect(client.waitForOperation(operation!, wait)).resolves.toMatchObject({ done: true });
	});
});

describe('when the fresh token is refused too, or there is none', () => {
	let fake: FakeGoogle;
	const { key, publicKey } = makeServiceAccountKey('test-project');

	beforeAll(async () => {
		fake = await FakeGoogle.start();
		fake.trustKey(key.client_email, publicKey);
		// A credential the token endpoint still accepts but the API no longer does (a disabled account, say).
		fake.route('GET', /\/models\/refused$/, (_request, response) => sendGoogleError(response, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
		fake.route('POST', /\/endpoints\/e\/invoke\/refused$/, (_request, response) => sendGoogleError(response, 401, 'UNAUTHENTICATED', 'no'));
		fake.route('GET', /\/models\/fine$/, (request, response) => sendJson(response, 200, { name: request.path.slice(4) }));
	});

	afterAll(async () => {
		await closeSharedAgent();
		await fake.close();
	});

	beforeEach(() => {
		fake.apiRequests.length = 0;
		fake.tokenRequests.length = 0;
	});

	const keyClient = () =>
		new VertexClient({
			credential: { kind: 'serviceAccountKey', keyJson: JSON.stringify(key) },
			location: 'us-central1',
			apiBaseUrl: fake.url,
			tokenUrl: `${fake.url}/token`,
		});

	it('tries once more with a freshly minted token, then says the credential is refused even so', async () => {
		const error = (await keyClient().getModel('refused').catch((caught: unknown) => caught)) as VertexApiError;
		expect(error).toBeInstanceOf(VertexApiError);
		expect(error.httpStatus).toBe(401);
		expect(error.message).toContain('even with a freshly minted token');
		expect(fake.apiRequests).toHaveLength(2);
		expect(fake.tokenRequests).toHaveLength(2);
		const [first, second] = fake.apiTokens();
		expect(second).not.toBe(first);
	});

	it('does the same for an invoke, sending its body twice, unchanged', async () => {
		const error = (await keyClient()
			.invoke({ endpoint: 'e', path: '/refused', body: { kind: 'text', value: 'the same body' } })
			.catch((caught: unknown) => caught)) as VertexApiError;
		expect(error.message).toContain('even with a freshly minted token');
		expect(fake.apiRequests.map((request) => request.body)).toEqual(['the same body', 'the same body']);
	});

	it('does not retry a fixed access token, and says it cannot be refreshed', async () => {
		const client = new VertexClient({
			credential: { kind: 'accessToken', accessToken: 'ya29.revoked-token-that-the-fake-never-issued' },
			projectId: 'test-project',
			location: 'us-central1',
			apiBaseUrl: fake.url,
		});
		const error = (await client.getModel('fine').catch((caught: unknown) => caught)) as VertexApiError;
		expect(error.httpStatus).toBe(401);
		expect(error.message).toContain('a fixed access token cannot be refreshed');
		expect(fake.apiRequests).toHaveLength(1);
	});

	it('sends nothing again when the credential hands out the same token', async () => {
		let invalidated = 0;
		const transport = new VertexTransport({
			getAccessToken: async () => 'ya29.not-issued-by-the-fake',
			invalidateAccessToken: () => {
				invalidated++;
				return true;
			},
			hostPolicy: new TokenHostPolicy([fake.url]),
		});
		const error = (await transport
			.send({ method: 'GET', url: `${fake.url}/v1/projects/test-project/locations/us-central1/models/fine` })
			.catch((caught: unknown) => caught)) as VertexApiError;
		expect(error.httpStatus).toBe(401);
		expect(error.message).toContain('handed out the same one again');
		expect(invalidated).toBe(1);
		expect(fake.apiRequests).toHaveLength(1);
	});
});
