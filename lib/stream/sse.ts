import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { oneByOne } from './batches';
import { chunkIndexes } from './chunkCount';
import { completeChunk, type TextPath } from './chunkContent';
import { VertexStreamError } from './errors';
import { RepeatedStrings } from './repeatedStrings';
import { guardedBatches } from './splitSecrets';
import { DEFAULT_MAX_LINE_LENGTH, type StreamChunk, type StreamDecodeOptions } from './types';
import { decodeUtf8 } from './utf8';

export interface SseDecodeOptions extends StreamDecodeOptions {
	/** Called when `data: [DONE]` ends the stream (OpenAI's end marker; it is not emitted as a chunk). */
	onDoneMarker?: () => void;
}

const DONE_MARKER = '[DONE]';

function toChunk(message: EventSourceMessage, index: number, textPath: TextPath | undefined, repeated: RepeatedStrings): StreamChunk {
	const chunk: StreamChunk = { index, data: message.data, raw: message.data };
	if (message.event !== undefined) chunk.event = message.event;
	if (message.id !== undefined) chunk.id = message.id;
	try {
		chunk.data = JSON.parse(message.data);
		repeated.share(chunk.data);
	} catch {
		// SSE data need not be JSON: keep the string (still checked for an error event and an echoed secret).
	}
	return completeChunk(chunk, textPath);
}

/**
 * Server-sent events, parsed by eventsource-parser (multi-line `data`, `event`, `id`, comments, `\n` / `\r\n` / `\r`
 * line ends). `retry:` and unknown fields are ignored as the SSE spec says. Unlike the spec, an event the body ends
 * without a blank line after is still delivered, since servers that close right after their last event are common.
 */
export function decodeSse(body: AsyncIterable<Uint8Array>, options: SseDecodeOptions = {}): AsyncGenerator<StreamChunk> {
	return oneByOne(decodeSseBatches(body, options));
}

/**
 * The chunks of `decodeSse`, a network read's worth at a time: a reader that takes them so pays one step of an async
 * generator (a promise and a turn of the microtasks) per read, not per chunk. When the stream fails, the chunks that
 * came before the failure arrive in a last batch before the error.
 */
export function decodeSseBatches(body: AsyncIterable<Uint8Array>, options: SseDecodeOptions = {}): AsyncGenerator<StreamChunk[]> {
	const nextIndex = chunkIndexes(options.maxChunks);
	const repeated = new RepeatedStrings();
	return guardedBatches(eventsByRead(body, options), (message) => toChunk(message, nextIndex(), options.textPath, repeated));
}

/**
 * The events each network read completes, until `data: [DONE]`. An event longer than the maximum line length fails
 * the stream after the events before it. Returning ends the loop over the body, which releases the connection.
 */
async function* eventsByRead(body: AsyncIterable<Uint8Array>, options: SseDecodeOptions): AsyncGenerator<EventSourceMessage[]> {
	const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
	let pending: EventSourceMessage[] = [];
	// The parser's own limit covers what it buffers between feeds; an event completed within one feed is measured here.
	let overflow = false;
	const parser = createParser({
		maxBufferSize: maxLineLength,
		onEvent: (message) => {
			if (message.data.length > maxLineLength) overflow = true;
			if (!overflow) pending.push(message);
		},
		onError: (error) => {
			if (error.type === 'max-buffer-size-exceeded') overflow = true;
			// Older llama.cpp servers write a failure as its own SSE field, `error: {"code", "message", "type"}`
			// (server_sent_event(sink, "error", ...) in its server), which the SSE spec would have us ignore.
			else if (error.type === 'unknown-field' && error.field === 'error' && !overflow) {
				pending.push({ event: 'error', data: error.value ?? '', id: undefined });
			}
		},
	});
	for await (const text of endedByBlankLine(decodeUtf8(body))) {
		parser.feed(text);
		const events = pending;
		pending = [];
		const done = events.findIndex((message) => message.data.trim() === DONE_MARKER);
		if (done >= 0) {
			options.onDoneMarker?.();
			if (done > 0) yield events.slice(0, done);
			return;
		}
		if (events.length > 0) yield events;
		if (overflow) {
			throw new VertexStreamError(
				`An SSE event is longer than the ${maxLineLength} characters allowed; ` +
					'raise the maximum line length if the server really sends events this large.',
				'too-large',
			);
		}
	}
}

/** The body's text, then a blank line: an event the body ends without one is still completed. */
async function* endedByBlankLine(texts: AsyncIterable<string>): AsyncGenerator<string> {
	yield* texts;
	yield '\n\n';
}
