import { quoteForMessage } from '../secrets';
import { VertexStreamError } from './errors';
import { detectStreamFormat } from './format';
import { decodeLines, decodeNdjson } from './lines';
import { decodeSse } from './sse';
import {
	DEFAULT_MAX_STREAM_BYTES,
	type StreamChunk,
	type StreamDecodeOptions,
	type StreamFormat,
} from './types';
import { decodeBytes, decodeJson, decodeText } from './whole';

export interface DecodeStreamOptions extends StreamDecodeOptions {
	/** The format to decode; 'auto' (the default) detects it from `contentType`. */
	format?: StreamFormat | 'auto';
	/** The response's Content-Type, used when `format` is 'auto'. */
	contentType?: string;
}

/** Chunks of a response body; iterate it once. Breaking out of the loop releases the underlying body. */
export interface DecodedStream extends AsyncIterable<StreamChunk> {
	readonly format: StreamFormat;
	/** True once an SSE `data: [DONE]` ended the stream. */
	readonly endedByDoneMarker: boolean;
}

class DecodedBodyStream implements DecodedStream {
	endedByDoneMarker = false;
	private started = false;

	constructor(
		readonly format: StreamFormat,
		private readonly body: AsyncIterable<Uint8Array>,
		private readonly options: StreamDecodeOptions,
	) {}

	[Symbol.asyncIterator](): AsyncIterator<StreamChunk> {
		if (this.started) {
			throw new VertexStreamError('A response stream can be read only once.', 'already-consumed');
		}
		this.started = true;
		// Each decoder stops at maxChunks itself (chunkCount.ts); the body is refused past maxStreamBytes.
		return this.decoder(limitBytes(this.body, this.options.maxStreamBytes ?? DEFAULT_MAX_STREAM_BYTES))[Symbol.asyncIterator]();
	}

	private decoder(body: AsyncIterable<Uint8Array>): AsyncGenerator<StreamChunk> {
		switch (this.format) {
			case 'sse':
				return decodeSse(body, { ...this.options, onDoneMarker: () => (this.endedByDoneMarker = true) });
			case 'ndjson':
				return decodeNdjson(body, this.options);
			case 'lines':
				return decodeLines(body, this.options);
			case 'json':
				return decodeJson(body, this.options);
			case 'text':
				return decodeText(body, this.options);
			case 'binary':
				return decodeBytes(body, this.options);
		}
	}
}

/** Passes the body through, refusing it once it has carried more than `maxBytes` (which stops the download). */
async function* limitBytes(body: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
	let size = 0;
	for await (const bytes of body) {
		size += bytes.byteLength;
		if (size > maxBytes) {
			throw new VertexStreamError(
				`The response stream carried more than the ${maxBytes} bytes allowed (maxStreamBytes); it was stopped there.`,
				'too-large',
				undefined,
				'maxStreamBytes',
			);
		}
		yield bytes;
	}
}

const STREAM_FORMATS: readonly StreamFormat[] = ['sse', 'ndjson', 'lines', 'json', 'text', 'binary'];

/** Decodes a body in the given format, or the one its Content-Type names. */
export function decodeStream(body: AsyncIterable<Uint8Array>, options: DecodeStreamOptions = {}): DecodedStream {
	const { format = 'auto', contentType, ...limits } = options;
	if (format !== 'auto' && !STREAM_FORMATS.includes(format)) {
		throw new VertexStreamError(
			`Unknown stream format ${quoteForMessage(format)}; use auto, ${STREAM_FORMATS.join(', ')}.`,
			'invalid-format',
		);
	}
	return new DecodedBodyStream(format === 'auto' ? detectStreamFormat(contentType) : format, body, limits);
}
