/**
 * The Invoke node's work on one message: its fields read and checked by the core before anything is sent, the
 * call, and the answer as messages: for a stream one message per chunk as it arrives (`msg.payload` the text,
 * `msg.chunk` the chunk, `msg.parts` for a Join node), then one with the whole answer; or only that one.
 */
import { randomBytes } from 'node:crypto';

import {
	aggregateBatches,
	detectStreamFormat,
	prepareInvoke,
	type InvokeBody,
	type InvokeResponse,
	type StreamChunk,
	type StreamFormat,
	type StreamSummary,
} from '../../lib';

import { clientOf } from './config';
import { readFields, type FieldSpec, type ReadFields } from './fields';
import { checkedCall, choiceOf } from './operation';
import type { NodeAPI, NodeDefinition, NodeMessage, RuntimeNode, SendFunction } from './red';
import { showStatus } from './runtime';

export const INVOKE_FIELDS: readonly FieldSpec[] = [
	{ name: 'endpoint', label: 'Endpoint', kind: 'text', required: true },
	{ name: 'path', label: 'Path', kind: 'text', required: true },
	{ name: 'body', label: 'Body', kind: 'any' },
	{ name: 'headers', label: 'Headers', kind: 'object' },
	{ name: 'deployedModel', label: 'Deployed Model', kind: 'text', core: 'deployedModelId' },
	{ name: 'timeout', label: 'Timeout (s)', kind: 'number', core: 'timeoutMs' },
];

/** "Output": every chunk then the whole answer (the default), or only the whole answer. */
export const OUTPUT_MODES = ['chunks', 'answer'] as const;
/** "Response": read from the answer's Content-Type (the default), or one format whatever it says. */
export const RESPONSE_FORMATS = ['auto', 'sse', 'ndjson', 'lines', 'json', 'text', 'binary'] as const;
const STREAM_FORMATS: ReadonlySet<StreamFormat> = new Set(['sse', 'ndjson', 'lines']);

/**
 * Join nodes in automatic mode collect `msg.parts.property` of each message of a sequence (the payload unless it
 * says otherwise) and send the joined message on `msg.complete`. The answer message ends the sequence and carries
 * the whole text already, so it points the Join at a property no message has: the text is not counted twice.
 */
const NOTHING_TO_JOIN = 'vertexSequenceEnd';

/** The request body a message's value makes: JSON for values, text as it is, bytes for a Buffer, none when unset. */
export function bodyOf(value: unknown): InvokeBody | undefined {
	if (value === undefined || value === null) return undefined;
	if (Buffer.isBuffer(value)) return { kind: 'bytes', value, contentType: 'application/octet-stream' };
	if (typeof value === 'string') return { kind: 'text', value, contentType: isJson(value) ? 'application/json' : 'text/plain; charset=utf-8' };
	return { kind: 'json', value };
}

function isJson(text: string): boolean {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}

/** A chunk as `msg.chunk`: its text and reasoning, index, SSE event and id when there are any, and the parsed data. */
function chunkOf(chunk: StreamChunk): Record<string, unknown> {
	const json: Record<string, unknown> = { index: chunk.index };
	if (chunk.text !== undefined) json.text = chunk.text;
	if (chunk.reasoning !== undefined) json.reasoning = chunk.reasoning;
	if (chunk.event !== undefined) json.event = chunk.event;
	if (chunk.id !== undefined) json.id = chunk.id;
	if (chunk.data !== undefined && chunk.data !== null) json.data = chunk.data;
	return json;
}

/** The sequence part of a message; a message that was itself part of a sequence keeps it as `parts.parts`. */
function partsOf(msg: NodeMessage, id: string, extra: Record<string, unknown>): Record<string, unknown> {
	return { id, type: 'string', ch: '', ...extra, ...(msg.parts === undefined ? {} : { parts: msg.parts }) };
}

/** The Invoke node's handler for one message (see handleMessages). */
export function invokeHandler(RED: NodeAPI, node: RuntimeNode, definition: NodeDefinition) {
	// The node's own choices, the same for every message.
	const settings = { output: choiceOf(definition.output, OUTPUT_MODES), format: choiceOf(definition.format, RESPONSE_FORMATS) };
	return async (msg: NodeMessage, send: SendFunction, signal: AbortSignal): Promise<void> => {
		const read: ReadFields = await readFields(RED, node, definition, msg, INVOKE_FIELDS);
		const { endpoint, path, body, headers, deployedModel, timeout } = read.values;
		const prepared = await checkedCall(read, async () =>
			prepareInvoke({
				endpoint: endpoint as string,
				path: path as string,
				body: bodyOf(body),
				headers: headers as Record<string, string> | undefined,
				deployedModelId: deployedModel as string | undefined,
				timeoutMs: timeout === undefined ? undefined : (timeout as number) * 1000,
			}),
		);
		const client = clientOf(RED, definition.vertex);
		showStatus(node, 'blue', 'invoking');
		// The client checks the endpoint and deployed model before the first request too.
		const response = await checkedCall(read, () => client.invoke(prepared, { signal }));
		const facts = { status: response.status, deployedModelId: response.deployedModelId ?? null };
		const format = settings.format === 'auto' ? detectStreamFormat(response.contentType) : settings.format;
		if (!STREAM_FORMATS.has(format)) {
			send({ ...msg, payload: await wholeAnswer(response, format), vertex: facts });
			showStatus(node, 'green', `answered ${response.status}`);
			return;
		}
		const sequence = randomBytes(8).toString('hex');
		const summary: StreamSummary = { text: '', chunkCount: 0 };
		// A network read at a time: one asynchronous step per read, not per chunk; the messages still go one a chunk.
		const forward = async function* (batches: AsyncIterable<readonly StreamChunk[]>) {
			for await (const batch of batches) {
				if (batch.length === 0) continue;
				if (settings.output === 'chunks') {
					for (const chunk of batch) {
						// Closed mid-batch: no message after close; leaving the loop releases the connection.
						signal.throwIfAborted();
						send({ ...msg, payload: chunk.text ?? '', chunk: chunkOf(chunk), parts: partsOf(msg, sequence, { index: chunk.index }), vertex: facts });
					}
				}
				signal.throwIfAborted();
				// The count every tenth chunk, as when chunks came one by one: a status per read would flood the editor.
				const last = batch[batch.length - 1].index;
				if (Math.floor(last / 10) !== Math.floor((batch[0].index - 1) / 10)) showStatus(node, 'blue', `streaming: ${last + 1} chunks`);
				yield batch;
			}
		};
		await aggregateBatches(forward(response.chunks({ format }).batches()), summary);
		const answer: Record<string, unknown> = { text: summary.text, chunkCount: summary.chunkCount, usage: summary.usage ?? null, format };
		if (summary.reasoning !== undefined) answer.reasoning = summary.reasoning;
		if (summary.note !== undefined) answer.note = summary.note;
		const last: NodeMessage = { ...msg, payload: summary.text, answer, vertex: facts };
		if (settings.output === 'chunks') {
			last.parts = partsOf(msg, sequence, { count: summary.chunkCount, property: NOTHING_TO_JOIN });
			last.complete = true;
		}
		send(last);
		showStatus(node, 'green', `done: ${summary.chunkCount} chunks`);
	};
}

/** A whole answer as `msg.payload`: parsed JSON, text, or a Buffer; a token the client sent is never in it. */
async function wholeAnswer(response: InvokeResponse, format: StreamFormat): Promise<unknown> {
	if (format === 'json') return response.json();
	if (format === 'text') return response.text();
	return await response.readAll();
}
