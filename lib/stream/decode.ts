import { quoteForMessage } from '../secrets';
import { VertexStreamError } from './errors';
import { detectStreamFormat } from './format';
import { decodeLines, decodeNdjson } from './lines';
import { decodeSse } from './sse';
import type { StreamChunk, StreamDecodeOptions, StreamFormat } from './types';
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
		return this.decoder()[Symbol.asyncIterator]();
	}

	private decoder(): AsyncGenerator<StreamChunk> {
		switch (this.format) {
			case 'sse':
				return decodeSse(this.body, { ...this.options, onDoneMarker: () => (this.endedByDoneMarker = true) });
			case 'ndjson':
				return decodeNdjson(this.body, this.options);
			case 'lines':
				return decodeLines(this.body, this.options);
			case 'json':
				return decodeJson(this.body, this.options);
			case 'text':
				return decodeText(this.body);
			case 'binary':
				return decodeBytes(this.body);
		}
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
