/**
 * One AbortSignal shared by many calls (an n8n execution's signal) must not collect listeners: after
 * 1,000 calls of each kind, success and failure, the signal has as many 'abort' listeners as before.
 */
import { getEventListeners } from 'node:events';

import {
	closeSharedAgent,
	TokenHostPolicy,
	VertexApiError,
	VertexClient,
	VertexTransport,
	waitForOperation,
} from '../support/lib-internals';
import { FakeGoogle, sendGoogleError, sendJson } from '../support/fakeGoogle';

const CALLS = 1000;
let fake: FakeGoogle;
let sender: VertexTransport;
let client: VertexClient;

beforeAll(async () => {
	fake = await FakeGoogle.start();
	const token = fake.mintToken();
	sender = new VertexTransport({ getAccessToken: async () => token, hostPolicy: new TokenHostPolicy([fake.url]) });
	client = new VertexClient({
		credential: { kind: 'accessToken', accessToken: fake.mintToken() },
		projectId: 'test-project',
		location: 'us-central1',
		apiBaseUrl: fake.url,
	});
	fake.route('POST', /\/endpoints\/e1\/invoke\/echo$/, (request, response) => sendJson(response, 200, { got: request.body }));
	fake.route('GET', /^\/ok$/, (_request, response) => sendJson(response, 200, { ok: true }));
	fake.route('GET', /^\/missing$/, (_request, response) => sendGoogleError(response, 404, 'NOT_FOUND', 'no such thing'));
	fake.route('GET', /^\/v1\/projects\/test-project\/locations\/us-central1\/operations\/4242$/, (_request, response) =>
		sendJson(response, 200, { name: 'projects/test-project/locations/us-central1/operations/4242', done: true, response: {} }),
	);
});

afterAll(async () => {
	await closeSharedAgent();
	await fake.close();
});

function abortListeners(signal: AbortSignal): number {
	return getEventListeners(signal, 'abort').length;
}

it('leaves no listener behind after 1,000 calls whose body is read', async () => {
	const signal = new AbortController().signal;
	const before = abortListeners(signal);
	for (let i = 0; i < CALLS; i++) {
		const response = await sender.send({ method: 'GET', url: `${fake.url}/ok`, signal });
		for await (const chunk of response.body) void chunk;
	}
	expect(abortListeners(signal)).toBe(before);
});

it('leaves no listener behind after 1,000 calls answered with an API error', async () => {
	const signal = new AbortController().signal;
	const before = abortListeners(signal);
	for (let i = 0; i < CALLS; i++) {
		await expect(sender.send({ method: 'GET', url: `${fake.url}/missing`, signal })).rejects.toBeInstanceOf(VertexApiError);
	}
	expect(abortListeners(signal)).toBe(before);
});

it('leaves no listener behind after 1,000 calls whose body is dropped unread', async () => {
	const signal = new AbortController().signal;
	const before = abortListeners(signal);
	for (let i = 0; i < CALLS; i++) {
		const response = await sender.send({ method: 'GET', url: `${fake.url}/ok`, signal });
		await response.body[Symbol.asyncIterator]().return?.();
	}
	// Destroying a body settles on a later turn of the event loop.
	await new Promise((resolve) => setTimeout(resolve, 20));
	expect(abortListeners(signal)).toBe(before);
});

it('leaves no listener and no timer behind after 1,000 operation waits', async () => {
	const signal = new AbortController().signal;
	const before = abortListeners(signal);
	const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
	const timersBefore = timers();
	for (let i = 0; i < CALLS; i++) {
		await waitForOperation({ sender, baseUrl: fake.url }, 'projects/test-project/locations/us-central1/operations/4242', { signal });
	}
	expect(abortListeners(signal)).toBe(before);
	// Each wait's deadline timer (45 minutes by default) is cleared when the wait ends: a leak would leave 1,000.
	// One more is allowed: undici's own socket timer, which it may start meanwhile on a busy machine.
	expect(timers()).toBeLessThanOrEqual(timersBefore + 1);
});

it('leaves no listener behind after 1,000 invoke calls through the client (token provider included)', async () => {
	const signal = new AbortController().signal;
	const before = abortListeners(signal);
	for (let i = 0; i < CALLS; i++) {
		const response = await client.invoke({ endpoint: 'e1', path: '/echo', body: { kind: 'json', value: { i } } }, { signal });
		expect(await response.json()).toEqual({ got: JSON.stringify({ i }) });
	}
	expect(abortListeners(signal)).toBe(before);
});
