/**
 * A model server for the streaming proof: OpenAI-style SSE chat deltas where the first delta is sent
 * and then the stream waits until the test says its client has received that delta (or a safety
 * timeout passes). If anything between the server and the client buffered the stream, the client
 * could only see the first delta after the timeout released the rest: `releasedBy` tells which.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { EmulatorProcess } from '../../scripts/n8n-run/emulator';
import { deploySampleServer, readStreamLines, type StreamLine } from './support';

export interface GatedStream {
	/** Deltas written to the socket so far. */
	sent: number;
	ended: boolean;
	releasedBy?: 'client' | 'timeout';
}

export const deltaText = (index: number) => `part-${index} `;

export async function startGatedChatServer({ chunks, safetyTimeoutMs = 30_000 }: { chunks: number; safetyTimeoutMs?: number }) {
	const streams: GatedStream[] = [];
	const waiting: Array<() => void> = [];

	async function stream(res: ServerResponse): Promise<void> {
		const state: GatedStream = { sent: 0, ended: false };
		streams.push(state);
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		const delta = (index: number) =>
			`data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: deltaText(index) }, finish_reason: null }] })}\n\n`;
		res.write(delta(0));
		state.sent = 1;
		state.releasedBy = await new Promise<'client' | 'timeout'>((resolve) => {
			const timer = setTimeout(() => resolve('timeout'), safetyTimeoutMs);
			waiting.push(() => {
				clearTimeout(timer);
				resolve('client');
			});
		});
		for (let index = 1; index < chunks; index++) {
			await new Promise((resolve) => setTimeout(resolve, 10));
			res.write(delta(index));
			state.sent = index + 1;
		}
		res.end('data: [DONE]\n\n');
		state.ended = true;
	}

	const server = createServer((req, res) => {
		req.resume();
		if (req.method === 'GET' && req.url === '/health') {
			res.writeHead(200).end('ok');
		} else if (req.method === 'POST' && req.url === '/v1/chat/completions') {
			req.on('end', () => void stream(res));
		} else {
			res.writeHead(404).end();
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		streams,
		/** Lets every held stream go on. */
		release: () => waiting.splice(0).forEach((go) => go()),
		close: () =>
			new Promise<void>((resolve) => {
				waiting.splice(0).forEach((go) => go());
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

export type GatedChatServer = Awaited<ReturnType<typeof startGatedChatServer>>;

/**
 * Posts a chat to the streaming webhook at `webhookUrl` and reads its answer, releasing the held model server as
 * soon as the client has the first item: `atFirstItem` is what the server had sent by then (1 of its deltas, not
 * ended, unless something on the way buffered the stream).
 */
export async function chatThroughGate(
	webhookUrl: string,
	gated: GatedChatServer,
): Promise<{ lines: StreamLine[]; atFirstItem?: Pick<GatedStream, 'sent' | 'ended'> }> {
	const response = await fetch(webhookUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ messages: [{ role: 'user', content: 'Tell me a story' }] }),
	});
	if (response.status !== 200) throw new Error(`the webhook answered ${response.status}: ${await response.text()}`);
	let atFirstItem: Pick<GatedStream, 'sent' | 'ended'> | undefined;
	const lines = await readStreamLines(response, (line) => {
		if (line.type === 'item' && !atFirstItem) {
			const [stream] = gated.streams;
			atFirstItem = { sent: stream.sent, ended: stream.ended };
			// The client has the first delta: only now may the model server produce the rest.
			gated.release();
		}
	});
	return { lines, atFirstItem };
}

/** Deploys the gated image (registered with the emulator as an image URL) on a dedicated endpoint; resolves to its id. */
export async function deployGatedServer(emulator: EmulatorProcess, imageUri: string, endpointId = 'gated-chat'): Promise<string> {
	await deploySampleServer(emulator, { modelId: `${endpointId}-model`, endpointId, imageUri });
	return endpointId;
}
