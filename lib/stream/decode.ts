import { quoteForMessage } from '../secrets';
import { VertexStreamError } from './errors';
import { detectStreamFormat } from './format';
import { batchesOfOne, oneByOne } from './batches';
import { decodeLinesBatches, decodeNdjsonBatches } from './lines';
import { decodeSseBatches } from './sse';
import {
	DEFAULT_MAX_STREAM_BYTES,
	type StreamChunk,
	type StreamDecodeOptions,
	type StreamFormat,
} from './types';
import { decodeBytes, decodeJson, decodeTextBatches } from './whole';

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
	/**
	 * The same chunks, a network read's worth at a time (SSE, NDJSON, lines and text; JSON and binary one chunk a
	 * batch), for a reader that keeps or sums many chunks: it then pays one asynchronous step per read instead of one
	 * per chunk. When the stream fails, the chunks before the failure come in a last batch, then the error. Read the
	 * stream once: this or the chunks.
	 */
	batches(): AsyncIterable<readonly StreamChunk[]>;
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
		const decoded = this.decoder(this.start());
		return ('batches' in decoded ? oneByOne(decoded.batches) : decoded.chunks)[Symbol.asyncIterator]();
	}

	batches(): AsyncIterable<readonly StreamChunk[]> {
		const decoded = this.decoder(this.start());
		return 'batches' in decoded ? decoded.batches : batchesOfOne(decoded.chunks);
	}

	/** The body to decode, once: each decoder stops at maxChunks itself (chunkCount.ts), the body past maxStreamBytes. */
	private start(): AsyncIterable<Uint8Array> {
		if (this.started) {
			throw new VertexStreamError('A response stream can be read only once.', 'already-consumed');
		}
		this.started = true;
		return limitBytes(this.body, this.options.maxStreamBytes ?? DEFAULT_MAX_STREAM_BYTES);
	}

	/** The format's decoder: the text formats decode a network read at a time, JSON and binary chunk by chunk. */
	private decoder(body: AsyncIterable<Uint8Array>): { batches: AsyncGenerator<StreamChunk[]> } | { chunks: AsyncGenerator<StreamChunk> } {
		switch (this.format) {
			case 'sse':
				return { batches: decodeSseBatches(body, { ...this.options, onDoneMarker: () => (this.endedByDoneMarker = true) }) };
			case 'ndjson':
				return { batches: decodeNdjsonBatches(body, this.options) };
			case 'lines':
				return { batches: decodeLinesBatches(body, this.options) };
			case 'json':
				return { chunks: decodeJson(body, this.options) };
			case 'text':
				return { batches: decodeTextBatches(body, this.options) };
			case 'binary':
				return { chunks: decodeBytes(body, this.options) };
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
