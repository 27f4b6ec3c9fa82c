import { parseJsonBody, readBodyBytes } from './body';
import { chunkIndexes } from './chunkCount';
import { completeChunk } from './chunkContent';
import { DEFAULT_MAX_JSON_BYTES, type StreamChunk, type StreamDecodeOptions } from './types';
import { decodeUtf8 } from './utf8';

/** The bytes as they arrive, one chunk per network read, each as a Buffer in `data`. */
export async function* decodeBytes(body: AsyncIterable<Uint8Array>, options: StreamDecodeOptions = {}): AsyncGenerator<StreamChunk> {
	const nextIndex = chunkIndexes(options.maxChunks);
	for await (const bytes of body) {
		yield { index: nextIndex(), data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), raw: '' };
	}
}

/** Text as it arrives (no framing): each piece is `data`, `raw` and `text`, so joining the texts gives the body. */
export async function* decodeText(body: AsyncIterable<Uint8Array>, options: StreamDecodeOptions = {}): AsyncGenerator<StreamChunk> {
	const nextIndex = chunkIndexes(options.maxChunks);
	for await (const text of decodeUtf8(body)) yield { index: nextIndex(), data: text, raw: text, text };
}

/** A JSON body is one value: read it whole (up to `maxJsonBytes`) and emit a single chunk (none for an empty body). */
export async function* decodeJson(
	body: AsyncIterable<Uint8Array>,
	options: StreamDecodeOptions = {},
): AsyncGenerator<StreamChunk> {
	const raw = (await readBodyBytes(body, options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES)).toString('utf8');
	if (raw.trim() === '') return;
	const data = parseJsonBody(raw, 'The JSON response body');
	yield completeChunk({ index: chunkIndexes(options.maxChunks)(), data, raw }, options.textPath);
}
