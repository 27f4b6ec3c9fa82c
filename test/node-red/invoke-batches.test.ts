/**
 * The Invoke node reads a stream a network read at a time: against a model server that writes its events cut at
 * chosen places (several chunks in one read, a chunk cut across two), every chunk still goes out as one message,
 * none lost and in order, and the answer is the same; a node closed while a read's chunks go out sends none of the
 * rest and the request is cancelled.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import vertexAiInvoke from '../../node-red/src/vertexAiInvoke';
import type { NodeMessage } from '../../node-red/src/red';
import { emulatorConfig, helper, invokeNode, loadFlow, nodeRedPerTest, until, type EmulatorConfig } from './support';

const SCRIPTED_IMAGE = 'example.com/scripted-stream:1';
const WRITE_PAUSE_MS = 40;

/** What the scripted server is asked to write: its body in pieces (one write each, a pause between), and then. */
interface Script {
	contentType: string;
	writes: string[];
	/** Keep the response open after the writes (until the client goes away or the test ends). */
	hold?: boolean;
}

interface ServedStream {
	/** The client went away before the server ended the response. */
	cancelled: boolean;
	ended: boolean;
}

let env: EmulatorConfig;
let server: Server;
const served: ServedStream[] = [];
const held: ServerResponse[] = [];

async function serve(res: ServerResponse, script: Script): Promise<void> {
	const stream: ServedStream = { cancelled: false, ended: false };
	served.push(stream);
	res.on('close', () => (stream.cancelled = !stream.ended));
	res.writeHead(200, { 'content-type': script.contentType });
	for (const piece of script.writes) {
		if (stream.cancelled) return;
		res.write(piece);
		await new Promise((resolve) => setTimeout(resolve, WRITE_PAUSE_MS));
	}
	if (script.hold) return void held.push(res);
	stream.ended = true;
	res.end();
}

beforeAll(async () => {
	server = createServer((req, res) => {
		let body = '';
		req.on('data', (part) => (body += part));
		req.on('end', () => {
			if (req.method === 'GET') return void res.writeHead(200).end('ok');
			void serve(res, JSON.parse(body) as Script);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	env = await emulatorConfig({ images: { [SCRIPTED_IMAGE]: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } });
	await env.deploySample('nr-scripted-model', 'nr-scripted', {}, SCRIPTED_IMAGE);
}, 60_000);

afterAll(async () => {
	for (const res of held.splice(0)) res.end();
	await env?.close();
	server?.closeAllConnections();
	await new Promise((resolve) => server?.close(resolve));
});
nodeRedPerTest();

const WORDS = Array.from({ length: 12 }, (_, i) => `word${i} `);
const sseEvent = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
const SSE_BODY = WORDS.map(sseEvent).join('') + 'data: [DONE]\n\n';

/** `text` cut at `cuts` (offsets into it). */
function cutAt(text: string, cuts: number[]): string[] {
	const bounds = [0, ...cuts, text.length];
	return bounds.slice(1).map((end, i) => text.slice(bounds[i], end));
}

/** Offsets into `body` that make reads of several chunks, a chunk cut across two reads, and a cut on a boundary. */
function mixedCuts(body: string, unit: (i: number) => string): number[] {
	const startOf = (i: number) => body.indexOf(unit(i));
	const middleOf = (i: number) => startOf(i) + Math.floor(unit(i).length / 2);
	return [middleOf(4), startOf(7), middleOf(9), middleOf(9) + 1, startOf(11) + 2];
}

/** The scripted server's stream route. */
const streamInvokeNode = (settings: Record<string, unknown> = {}) => invokeNode({ endpoint: 'nr-scripted', path: '/stream', ...settings });

const chunkMessages = (messages: NodeMessage[]) => messages.filter((msg) => msg.chunk !== undefined);

describe('Invoke: a stream read a network read at a time', () => {
	it('SSE: one message per chunk, none lost and in order, across reads of several chunks and chunks cut in two', async () => {
		const captured = await loadFlow(env, [vertexAiInvoke], [streamInvokeNode()]);
		const script: Script = { contentType: 'text/event-stream', writes: cutAt(SSE_BODY, mixedCuts(SSE_BODY, (i) => sseEvent(WORDS[i]))) };
		helper.getNode('invoke').receive({ payload: script });
		await until(() => captured.messages.some((msg) => msg.complete === true) || captured.errors.length > 0, 20_000, 'the answer');
		expect(captured.errors).toEqual([]);
		const chunks = chunkMessages(captured.messages);
		expect(chunks.map((msg) => msg.payload)).toEqual(WORDS);
		expect(chunks.map((msg) => (msg.chunk as { index: number }).index)).toEqual(WORDS.map((_, i) => i));
		expect(chunks.map((msg) => (msg.parts as { index: number }).index)).toEqual(WORDS.map((_, i) => i));
		const answer = captured.messages.at(-1)!;
		expect(answer).toMatchObject({ payload: WORDS.join(''), complete: true, answer: { text: WORDS.join(''), chunkCount: WORDS.length } });
		expect(captured.messages).toHaveLength(WORDS.length + 1);
	});

	it('plain lines: one message per line, in order, a line cut across reads whole', async () => {
		const lines = WORDS.map((word) => `${word.trim()}\n`);
		const body = lines.join('');
		const captured = await loadFlow(env, [vertexAiInvoke], [streamInvokeNode({ format: 'lines' })]);
		helper.getNode('invoke').receive({ payload: { contentType: 'text/plain', writes: cutAt(body, mixedCuts(body, (i) => lines[i])) } });
		await until(() => captured.messages.some((msg) => msg.complete === true) || captured.errors.length > 0, 20_000, 'the answer');
		expect(captured.errors).toEqual([]);
		expect(chunkMessages(captured.messages).map((msg) => msg.payload)).toEqual(lines);
		expect(captured.messages.at(-1)).toMatchObject({ payload: body, answer: { text: body, chunkCount: lines.length, format: 'lines' } });
	});

	it('only the answer: the same text from the same cut stream, in one message', async () => {
		const captured = await loadFlow(env, [vertexAiInvoke], [streamInvokeNode({ output: 'answer' })]);
		const script: Script = { contentType: 'text/event-stream', writes: cutAt(SSE_BODY, mixedCuts(SSE_BODY, (i) => sseEvent(WORDS[i]))) };
		helper.getNode('invoke').receive({ payload: script });
		await until(() => captured.messages.length > 0 || captured.errors.length > 0, 20_000, 'the answer');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(captured.errors).toEqual([]);
		expect(captured.messages).toHaveLength(1);
		expect(captured.messages[0]).toMatchObject({ payload: WORDS.join(''), answer: { text: WORDS.join(''), chunkCount: WORDS.length } });
	});

	it('closed while a read\'s chunks go out: none of the rest is sent, no answer, no error, and the request is cancelled', async () => {
		const captured = await loadFlow(env, [vertexAiInvoke], [streamInvokeNode()]);
		const invoke = helper.getNode('invoke') as ReturnType<typeof helper.getNode> & {
			send(msg: NodeMessage): void;
			close(removed: boolean): Promise<void>;
		};
		// The first read holds one chunk, the second ten; the close comes as the third of those ten goes out.
		const burst = WORDS.slice(1, 11).map(sseEvent).join('');
		const closeAfter = 4;
		let sent = 0;
		const send = invoke.send.bind(invoke);
		invoke.send = (msg: NodeMessage) => {
			send(msg);
			if (++sent === closeAfter) void invoke.close(false);
		};
		served.length = 0;
		invoke.receive({ payload: { contentType: 'text/event-stream', writes: [sseEvent(WORDS[0]), burst], hold: true } satisfies Script });
		await until(() => served[0]?.cancelled === true, 10_000, 'the model server to see the request cancelled');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(sent).toBe(closeAfter);
		expect(chunkMessages(captured.messages).map((msg) => msg.payload)).toEqual(WORDS.slice(0, closeAfter));
		expect(captured.messages.some((msg) => msg.complete === true)).toBe(false);
		expect(captured.errors).toEqual([]);
	});
});
