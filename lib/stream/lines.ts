import { oneByOne } from './batches';
import { chunkIndexes } from './chunkCount';
import { excerpt, jsonSyntaxProblem, VertexStreamError } from './errors';
import { completeChunk } from './chunkContent';
import { LineSplitter, type SplitLine } from './lineSplitter';
import { SplitSecretGuard } from './splitSecrets';
import { DEFAULT_MAX_LINE_LENGTH, type StreamChunk, type StreamDecodeOptions } from './types';
import { decodeUtf8 } from './utf8';

/** The lines of a body, split as they arrive; the last one when the body ends without a line end. */
async function* eachLineBatch(
	body: AsyncIterable<Uint8Array>,
	maxLineLength: number,
	label: string,
): AsyncGenerator<Iterable<SplitLine>> {
	const splitter = new LineSplitter(maxLineLength, label);
	// Lines go out a network read at a time, not one by one: a step of an async generator per line would cost a
	// promise for each.
	for await (const text of decodeUtf8(body)) yield splitter.push(text);
	const last = splitter.finish();
	if (last) yield [last];
}

/**
 * Plain text lines, split on `\n` or `\r\n`. `data` is the line; `text` is the line with a `\n` after it (none after
 * an unterminated last line), so joining the texts gives back the body with its line ends normalised.
 */
export async function* decodeLines(
	body: AsyncIterable<Uint8Array>,
	options: StreamDecodeOptions = {},
): AsyncGenerator<StreamChunk> {
	const nextIndex = chunkIndexes(options.maxChunks);
	for await (const lines of eachLineBatch(body, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH, 'Text')) {
		for (const line of lines) {
			yield { index: nextIndex(), data: line.text, raw: line.text, text: line.terminated ? `${line.text}\n` : line.text };
		}
	}
}

/** One JSON value per line; blank lines are skipped. A line that is not JSON fails the stream, naming the line. */
export function decodeNdjson(body: AsyncIterable<Uint8Array>, options: StreamDecodeOptions = {}): AsyncGenerator<StreamChunk> {
	return oneByOne(decodeNdjsonBatches(body, options));
}

/**
 * The chunks of `decodeNdjson`, a network read's worth at a time (see `decodeSseBatches`); when the stream fails,
 * the chunks that came before the failure arrive in a last batch before the error.
 */
export async function* decodeNdjsonBatches(
	body: AsyncIterable<Uint8Array>,
	options: StreamDecodeOptions = {},
): AsyncGenerator<StreamChunk[]> {
	const nextIndex = chunkIndexes(options.maxChunks);
	const guard = new SplitSecretGuard();
	let batch: StreamChunk[] = [];
	try {
		for await (const lines of eachLineBatch(body, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH, 'NDJSON')) {
			for (const line of lines) {
				if (line.text.trim() === '') continue;
				let data: unknown;
				try {
					data = JSON.parse(line.text);
				} catch (error) {
					throw new VertexStreamError(
						`NDJSON line ${line.number} is not valid JSON (${jsonSyntaxProblem(error)}): ${excerpt(line.text)}`,
						'invalid-json',
						line.number,
					);
				}
				const chunk = completeChunk({ index: nextIndex(), data, raw: line.text }, options.textPath);
				if (guard.passes(chunk)) batch.push(chunk);
				else for (const ready of guard.ready()) batch.push(ready);
			}
			if (batch.length > 0) {
				yield batch;
				batch = [];
			}
		}
	} catch (error) {
		// What came before a failure is delivered before it.
		for (const held of guard.flush()) batch.push(held);
		if (batch.length > 0) yield batch;
		throw error;
	}
	const held = guard.flush();
	if (held.length > 0) yield held;
}
