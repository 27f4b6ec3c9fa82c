/**
 * The Invoke node in a Node-RED runtime against the emulator: one message per chunk as it arrives (payload the
 * text, msg.chunk, msg.parts), then the answer; a Join node rebuilds the answer from the chunks; errors reach a
 * Catch node through done(); close aborts a call in flight.
 */
import vertexAiInvoke from '../../node-red/src/vertexAiInvoke';
import { emulatorConfig, helper, invokeNode, nodeRedPerTest, joinNode, loadFlow, until, type EmulatorConfig } from './support';

let env: EmulatorConfig;
let deployedModelId: string;

beforeAll(async () => {
	env = await emulatorConfig();
	deployedModelId = await env.deploySample('nr-chat-model', 'nr-chat');
});
afterAll(async () => {
	await env.close();
});
nodeRedPerTest();

const CHAT = { messages: [{ role: 'user', content: 'Hello there' }], stream: true };

/** The chat route, the endpoint read from msg.endpointId. */
const chatInvokeNode = (settings: Record<string, unknown> = {}, wires: string[][] = [['out']]) =>
	invokeNode({ endpoint: 'endpointId', endpointType: 'msg', path: '/v1/chat/completions', wires, ...settings });

describe('Invoke: a streamed chat answer', () => {
	it('sends one message per chunk as it arrives, then the answer with msg.complete', async () => {
		const captured = await loadFlow(env, [vertexAiInvoke], [chatInvokeNode()]);
		helper.getNode('invoke').receive({ payload: CHAT, endpointId: 'nr-chat', topic: 'greeting' });
		await until(() => captured.messages.some((msg) => msg.complete === true) || captured.errors.length > 0, 20_000, 'the answer');
		expect(captured.errors.map((msg) => (msg.error as Error).message)).toEqual([]);
		const chunks = captured.messages.filter((msg) => msg.chunk !== undefined);
		const answer = captured.messages.at(-1)!;
		expect(chunks.length).toBeGreaterThanOrEqual(5);
		expect(chunks.map((msg) => (msg.chunk as { index: number }).index)).toEqual(chunks.map((_, i) => i));
		// Each chunk: the text as payload, the parts of one sequence, the incoming message's other properties kept.
		for (const msg of chunks) {
			expect(typeof msg.payload).toBe('string');
			expect(msg.payload).toBe((msg.chunk as { text?: string }).text ?? '');
			expect(msg.parts).toMatchObject({ id: (chunks[0].parts as { id: string }).id, type: 'string', ch: '' });
			expect(msg.topic).toBe('greeting');
		}
		const text = chunks.map((msg) => msg.payload).join('');
		expect(text).toContain('Hello');
		expect(answer).toMatchObject({ payload: text, complete: true, topic: 'greeting', vertex: { status: 200, deployedModelId } });
		expect(answer.answer).toMatchObject({ text, chunkCount: chunks.length, format: 'sse' });
		expect(answer.parts).toMatchObject({ id: (chunks[0].parts as { id: string }).id, count: chunks.length });
	});

	it('a Join node in automatic mode rebuilds the answer from the chunks, once', async () => {
		const join = { id: 'joiner', type: 'join', mode: 'auto', wires: [['out']] };
		const captured = await loadFlow(env, [vertexAiInvoke], [chatInvokeNode({}, [['joiner']]), join], [joinNode()]);
		helper.getNode('invoke').receive({ payload: CHAT, endpointId: 'nr-chat' });
		await until(() => captured.messages.length > 0 || captured.errors.length > 0, 20_000, 'the joined message');
		expect(captured.errors).toEqual([]);
		expect(captured.messages).toHaveLength(1);
		expect(captured.messages[0].payload).toMatch(/^Hello from the sample model server/);
		expect(captured.messages[0].payload).toBe((captured.messages[0].answer as { text: string }).text);
	});

	it('with Output "only the answer" sends one message with the whole text', async () => {
		const captured = await loadFlow(env, [vertexAiInvoke], [chatInvokeNode({ output: 'answer' })]);
		helper.getNode('invoke').receive({ payload: CHAT, endpointId: 'nr-chat' });
		await until(() => captured.messages.length > 0 || captured.errors.length > 0, 20_000, 'the answer');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(captured.messages).toHaveLength(1);
		expect(captured.messages[0].payload).toMatch(/^Hello from the sample model server/);
		expect(captured.messages[0].parts).toBeUndefined();
		expect(captured.messages[0].complete).toBeUndefined();
	});

	it('a message that is itself part of a sequence (after a Split) keeps that sequence as msg.parts.parts', async () => {
		const captured = await loadFlow(env, [vertexAiInvoke], [chatInvokeNode()]);
		const outer = { id: 'outer-sequence', index: 1, count: 3, type: 'array', len: 1 };
		helper.getNode('invoke').receive({ payload: CHAT, endpointId: 'nr-chat', parts: outer });
		await until(() => captured.messages.some((msg) => msg.complete === true) || captured.errors.length > 0, 20_000, 'the answer');
		expect(captured.messages.length).toBeGreaterThan(1);
		for (const msg of captured.messages) expect((msg.parts as { parts?: unknown }).parts).toEqual(outer);
	});

	it('a JSON answer that is not a stream is one message with the parsed body', async () => {
		const captured = await loadFlow(env, [vertexAiInvoke], [chatInvokeNode()]);
		helper.getNode('invoke').receive({ payload: { messages: [{ role: 'user', content: 'hi' }] }, endpointId: 'nr-chat' });
		await until(() => captured.messages.length > 0 || captured.errors.length > 0, 20_000, 'the answer');
		expect(captured.messages[0].payload).toMatchObject({ object: 'chat.completion' });
		expect(captured.messages[0].vertex).toMatchObject({ status: 200 });
	});
});

describe('Invoke: failures go to done(error), so a Catch node sees them', () => {
	it('an endpoint that does not exist: the core\'s message, no answer message', async () => {
		const captured = await loadFlow(env, [vertexAiInvoke], [chatInvokeNode()]);
		helper.getNode('invoke').receive({ payload: CHAT, endpointId: 'no-such-endpoint' });
		await until(() => captured.errors.length > 0, 20_000, 'the error');
		expect(captured.messages).toEqual([]);
		expect((captured.errors[0].error as { message: string }).message).toMatch(/no-such-endpoint/);
	});

	it('a stream the server ends with an error: the chunks before it, then the error (no answer message)', async () => {
		const captured = await loadFlow(env, [vertexAiInvoke], [chatInvokeNode()]);
		helper.getNode('invoke').receive({ payload: { ...CHAT, chunks: 6, failAfter: 3 }, endpointId: 'nr-chat' });
		await until(() => captured.errors.length > 0, 20_000, 'the error');
		expect(captured.messages.length).toBeGreaterThanOrEqual(3);
		expect(captured.messages.every((msg) => msg.chunk !== undefined && msg.complete === undefined)).toBe(true);
		expect((captured.errors[0].error as { message: string }).message).toMatch(/stream/i);
	});

	it('close (a redeploy) aborts a call in flight and ends within the grace period', async () => {
		const captured = await loadFlow(env, [vertexAiInvoke], [chatInvokeNode()]);
		// A slow stream: the sample server waits between chunks.
		helper.getNode('invoke').receive({ payload: { ...CHAT, chunks: 200, delayMs: 50 }, endpointId: 'nr-chat' });
		await until(() => captured.messages.length > 0, 20_000, 'the first chunk');
		const started = Date.now();
		await helper.unload();
		// Without the abort, close would wait for the stream (10 s) up to its 5 s grace.
		expect(Date.now() - started).toBeLessThan(3_000);
		const count = captured.messages.length;
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(captured.messages.length).toBe(count);
		expect(captured.messages.some((msg) => msg.complete === true)).toBe(false);
	});
});
