/**
 * The shared undici Agent: calls reuse one connection (HTTP keep-alive), and every socket it opens has
 * TCP keep-alive on with a first probe after 30 s, so invoke calls longer than two minutes survive idle
 * middleboxes. The probe setting is observed on the real client socket of a call to 127.0.0.1.
 */
import { Socket } from 'node:net';

import { closeSharedAgent, TokenHostPolicy, VertexTransport } from '../support/lib-internals';
import { FakeGoogle, sendJson } from '../support/fakeGoogle';

let fake: FakeGoogle;
let sender: VertexTransport;

beforeAll(async () => {
	fake = await FakeGoogle.start();
	const token = fake.mintToken();
	sender = new VertexTransport({ getAccessToken: async () => token, hostPolicy: new TokenHostPolicy([fake.url]) });
	fake.route('GET', /^\/ping$/, (_request, response) => sendJson(response, 200, { pong: true }));
});

afterEach(() => jest.restoreAllMocks());

afterAll(async () => {
	await closeSharedAgent();
	await fake.close();
});

async function ping(): Promise<void> {
	const response = await sender.send({ method: 'GET', url: `${fake.url}/ping` });
	for await (const chunk of response.body) void chunk;
}

it('turns TCP keep-alive on, first probe after 30 s, on the socket a call opens', async () => {
	await closeSharedAgent(); // a fresh Agent, so this call opens its own socket
	const setKeepAlive = jest.spyOn(Socket.prototype, 'setKeepAlive');
	await ping();
	const toServer = setKeepAlive.mock.contexts
		.map((socket, index) => ({ socket: socket as Socket, args: setKeepAlive.mock.calls[index] }))
		.filter(({ socket }) => socket.remotePort === fake.port);
	expect(toServer.length).toBeGreaterThan(0);
	for (const { args } of toServer) expect(args).toEqual([true, 30_000]);
});

it('sends consecutive calls over kept-alive connections, not one per call', async () => {
	await closeSharedAgent();
	fake.apiRequests.length = 0;
	for (let i = 0; i < 6; i++) await ping();
	const sockets = new Set(fake.apiRequests.map((request) => request.socket));
	expect(fake.apiRequests).toHaveLength(6);
	// A call can start while undici still books the previous one's socket as busy, so a second socket may open; never one per call.
	expect(sockets.size).toBeLessThanOrEqual(2);
});
