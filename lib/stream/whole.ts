import { withoutEchoedSecrets } from '../secrets';
import { oneByOne } from './batches';
import { parseJsonBody, readBodyBytes } from './body';
import { chunkIndexes } from './chunkCount';
import { completeChunk } from './chunkContent';
import { guardedBatches } from './splitSecrets';
import { DEFAULT_MAX_JSON_BYTES, type StreamChunk, type StreamDecodeOptions } from './types';
import { decodeUtf8 } from './utf8';

/** The bytes as they arrive, one chunk per network read, each as a Buffer in `data`. */
export async function* decodeBytes(body: AsyncIterable<Uint8Array>, options: StreamDecodeOptions = {}): AsyncGenerator<StreamChunk> {
	const nextIndex = chunkIndexes(options.maxChunks);
	for await (const bytes of body) {
		yield { index: nextIndex(), data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), raw: '' };
	}
}

/**
 * Text as it arrives (no framing): each piece is `data`, `raw` and `text`, so joining the texts gives the body. A
 * token the package sent that the text echoes is replaced, also when cut across pieces (see SplitSecretGuard).
 */
export function decodeText(body: AsyncIterable<Uint8Array>, options: StreamDecodeOptions = {}): AsyncGenerator<StreamChunk> {
	return oneByOne(decodeTextBatches(body, options));
}

/** The chunks of `decodeText` as batches: one piece a network read (more when a piece held back goes with the next). */
export function decodeTextBatches(body: AsyncIterable<Uint8Array>, options: StreamDecodeOptions = {}): AsyncGenerator<StreamChunk[]> {
	const nextIndex = chunkIndexes(options.maxChunks);
	return guardedBatches(eachText(body), (piece) => {
		const text = withoutEchoedSecrets(piece);
		return { index: nextIndex(), data: text, raw: text, text };
	});
}

async function* eachText(body: AsyncIterable<Uint8Array>): AsyncGenerator<[string]> {
	for await (const text of decodeUtf8(body)) yield [text];
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
