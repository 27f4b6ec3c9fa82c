/**
 * Invoke's live forwarding through n8n-core's engine (`streaming: true`, as a Webhook in "Streaming" mode turns it
 * on), against a model server of the test whose stream is paced: one delta, then a hold until the test's client has
 * it (or a safety timeout), then bursts of deltas with pauses between them, then a finish event without text. What
 * the server had written is recorded at each forwarded message, so "before the server sent the rest" is checked, not
 * assumed.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StructuredChunk } from 'n8n-workflow';

import { chain, sourceNode } from '../harness/n8n-engine';
import { TYPE, deployModel, emulatorWithCredential, expectNoSecrets, locator, runNodes, type DeployedModel, type NodeEnv } from './support';

const PACED_IMAGE = 'us-docker.pkg.dev/test/paced-chat:1';
const SAFETY_TIMEOUT_MS = 5_000;

const delta = (index: number) => `d${index} `;

interface PacedStream {
	/** Text deltas written so far. */
	sent: number;
	releasedBy?: 'client' | 'timeout';
}

/** What a request asks of the paced server: burst sizes after the first delta, the pause after each burst, and whether a finish event without text ends the stream. */
interface Pacing {
	bursts: number[];
	pauseMs: number;
	finishEvent: boolean;
}

let env: NodeEnv;
let pacedServer: Server;
let paced: DeployedModel;
const streams: PacedStream[] = [];
const holds: Array<() => void> = [];

function releaseHeld(): void {
	holds.splice(0).forEach((go) => go());
}

async function streamPaced(res: ServerResponse, pacing: Pacing): Promise<void> {
	const state: PacedStream = { sent: 0 };
	streams.push(state);
	const event = (body: unknown) => `data: ${JSON.stringify(body)}\n\n`;
	const write = () => {
		res.write(event({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: delta(state.sent) }, finish_reason: null }] }));
		state.sent++;
	};
	res.writeHead(200, { 'content-type': 'text/event-stream' });
	write();
	state.releasedBy = await new Promise<'client' | 'timeout'>((resolve) => {
		const timer = setTimeout(() => resolve('timeout'), SAFETY_TIMEOUT_MS);
		holds.push(() => {
			clearTimeout(timer);
			resolve('client');
		});
	});
	for (const size of pacing.bursts) {
		for (let index = 0; index < size; index++) write();
		await new Promise((resolve) => setTimeout(resolve, pacing.pauseMs));
	}
	if (pacing.finishEvent) res.write(event({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
	res.end('data: [DONE]\n\n');
}

async function startPacedServer(): Promise<number> {
	pacedServer = createServer((req, res) => {
		let body = '';
		req.on('data', (part) => (body += part));
		req.on('end', () => {
			if (req.method === 'GET') return void res.writeHead(200).end('ok');
			void streamPaced(res, JSON.parse(body) as Pacing);
		});
	});
	await new Promise<void>((resolve) => pacedServer.listen(0, '127.0.0.1', resolve));
	return (pacedServer.address() as AddressInfo).port;
}

beforeAll(async () => {
	const port = await startPacedServer();
	env = await emulatorWithCredential({ images: { [PACED_IMAGE]: `http://127.0.0.1:${port}` } });
	paced = await deployModel(env, { modelId: 'paced-model', endpointId: 'paced-endpoint' }, { upload: { imageUri: PACED_IMAGE } });
}, 60_000);

afterAll(async () => {
	releaseHeld();
	await env?.close();
	pacedServer?.closeAllConnections();
	await new Promise((resolve) => pacedServer?.close(resolve));
});

interface Forwarded {
	content: string;
	/** Deltas the server had written when the message was forwarded. */
	serverSent: number;
	/** Milliseconds after the "begin" message. */
	afterBeginMs: number;
}

/** Runs Start -> Invoke (streaming) against the paced server; the first forwarded item lets the server go on. */
async function runPaced(pacing: Pacing, options: Record<string, number>) {
	streams.length = 0;
	const forwarded: Forwarded[] = [];
	const types: string[] = [];
	let beganAt = 0;
	const result = await runNodes(env, {
		nodes: [
			sourceNode('Start'),
			{
				name: 'Invoke',
				type: TYPE.invoke,
				parameters: { endpoint: locator(paced.endpointId), path: '/v1/chat/completions', jsonBody: JSON.stringify(pacing), options },
			},
		],
		connections: chain('Start', 'Invoke'),
		streaming: true,
		onChunk: (chunk: StructuredChunk) => {
			types.push(chunk.type);
			if (chunk.type === 'begin') beganAt = performance.now();
			if (chunk.type !== 'item') return;
			forwarded.push({ content: chunk.content as string, serverSent: streams[0].sent, afterBeginMs: performance.now() - beganAt });
			releaseHeld();
		},
	});
	expect(result.error).toBeUndefined();
	await expectNoSecrets(env, result);
	const items = result.lastNodeJson('Invoke');
	const sentTotal = 1 + pacing.bursts.reduce((sum, size) => sum + size, 0);
	const streamText = Array.from({ length: sentTotal }, (_, index) => delta(index)).join('');
	return { forwarded, types, items, stream: streams[0], sentTotal, streamText };
}

const joined = (forwarded: Forwarded[]) => forwarded.map((message) => message.content).join('');

/** The forwarded texts before the finish event, which has no text and is sent on its own (its raw JSON), last. */
function textBeforeFinish(forwarded: Forwarded[]): string {
	expect(JSON.parse(forwarded.at(-1)!.content)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
	return joined(forwarded.slice(0, -1));
}

const FAST = { bursts: [400], pauseMs: 0, finishEvent: true };

it('with Coalesce Live Chunks 0 forwards each chunk as its own message, the first before the server sent the rest', async () => {
	const run = await runPaced(FAST, { coalesceLiveChunksMs: 0 });
	expect(run.stream.releasedBy).toBe('client');
	expect(run.forwarded[0]).toMatchObject({ content: delta(0), serverSent: 1 });
	expect(run.forwarded).toHaveLength(run.sentTotal + 1);
	expect(textBeforeFinish(run.forwarded)).toBe(run.streamText);
	expect(run.types).toEqual(['begin', ...run.forwarded.map(() => 'item'), 'end']);
});

it('by default (Coalesce Live Chunks 50 ms) joins a fast stream into far fewer messages: the first still at once, nothing lost or reordered, the items unchanged', async () => {
	const plain = await runPaced(FAST, { coalesceLiveChunksMs: 0 });
	// The default window (50 ms).
	const run = await runPaced(FAST, {});
	expect(run.stream.releasedBy).toBe('client');
	expect(run.forwarded[0]).toMatchObject({ content: delta(0), serverSent: 1 });
	expect(textBeforeFinish(run.forwarded)).toBe(run.streamText);
	// 401 deltas written back to back: a handful of 50 ms windows, not one message each.
	expect(run.forwarded.length).toBeLessThan(plain.forwarded.length / 10);
	expect(run.types).toEqual(['begin', ...run.forwarded.map(() => 'item'), 'end']);
	// Coalescing touches only what is forwarded: the node's output is still one item per chunk.
	expect(run.items).toHaveLength(run.sentTotal + 1);
	expect(run.items.map((item) => item.text ?? null)).toEqual(plain.items.map((item) => item.text ?? null));
});

it('sends the first chunk at once even with a long window, and what the window holds as soon as the stream ends', async () => {
	// No finish event: the stream's last chunk carries text, so only the end of the stream can send it.
	const run = await runPaced({ ...FAST, finishEvent: false }, { coalesceLiveChunksMs: 3000 });
	expect(run.forwarded[0]).toMatchObject({ content: delta(0), serverSent: 1 });
	expect(run.forwarded[0].afterBeginMs).toBeLessThan(1000);
	// The other 400 deltas in one message when the stream ends, not when the 3 s window would.
	expect(run.forwarded).toHaveLength(2);
	expect(run.forwarded[1].afterBeginMs).toBeLessThan(2000);
	expect(joined(run.forwarded)).toBe(run.streamText);
	expect(run.types).toEqual(['begin', 'item', 'item', 'end']);
});

it('sends what a window holds when the stream pauses for longer than the window, before the server goes on', async () => {
	const run = await runPaced({ bursts: [30, 30], pauseMs: 600, finishEvent: true }, { coalesceLiveChunksMs: 100 });
	expect(textBeforeFinish(run.forwarded)).toBe(run.streamText);
	// All of the first 31 deltas reached the caller while the server was pausing, not with the next burst.
	const beforeSecondBurst = run.forwarded.filter((message) => message.serverSent <= 31);
	expect(beforeSecondBurst.map((message) => message.content).join('')).toBe(Array.from({ length: 31 }, (_, index) => delta(index)).join(''));
	expect(run.forwarded.length).toBeLessThan(run.sentTotal);
});
