import { withoutEchoedSecrets } from '../secrets';
import { oneByOne } from './batches';
import { chunkIndexes } from './chunkCount';
import { excerpt, jsonSyntaxProblem, VertexStreamError } from './errors';
import { completeChunk } from './chunkContent';
import { LineSplitter, type SplitLine } from './lineSplitter';
import { RepeatedStrings } from './repeatedStrings';
import { guardedBatches } from './splitSecrets';
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
 * an unterminated last line), so joining the texts gives back the body with its line ends normalised. A token the
 * package sent that a line echoes is replaced (see SplitSecretGuard), also when it came cut across network reads.
 */
export function decodeLines(body: AsyncIterable<Uint8Array>, options: StreamDecodeOptions = {}): AsyncGenerator<StreamChunk> {
	return oneByOne(decodeLinesBatches(body, options));
}

/** The chunks of `decodeLines`, a network read's worth at a time (see `decodeSseBatches`). */
export function decodeLinesBatches(
	body: AsyncIterable<Uint8Array>,
	options: StreamDecodeOptions = {},
): AsyncGenerator<StreamChunk[]> {
	const nextIndex = chunkIndexes(options.maxChunks);
	const lines = eachLineBatch(body, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH, 'Text');
	return guardedBatches(lines, (line) => {
		const text = withoutEchoedSecrets(line.text);
		return { index: nextIndex(), data: text, raw: text, text: line.terminated ? `${text}\n` : text };
	});
}

/** One JSON value per line; blank lines are skipped. A line that is not JSON fails the stream, naming the line. */
export function decodeNdjson(body: AsyncIterable<Uint8Array>, options: StreamDecodeOptions = {}): AsyncGenerator<StreamChunk> {
	return oneByOne(decodeNdjsonBatches(body, options));
}

/**
 * The chunks of `decodeNdjson`, a network read's worth at a time (see `decodeSseBatches`); when the stream fails,
 * the chunks that came before the failure arrive in a last batch before the error.
 */
export function decodeNdjsonBatches(
	body: AsyncIterable<Uint8Array>,
	options: StreamDecodeOptions = {},
): AsyncGenerator<StreamChunk[]> {
	const nextIndex = chunkIndexes(options.maxChunks);
	const lines = eachLineBatch(body, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH, 'NDJSON');
	const repeated = new RepeatedStrings();
	return guardedBatches(lines, (line) => {
		if (line.text.trim() === '') return undefined;
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
		repeated.share(data);
		return completeChunk({ index: nextIndex(), data, raw: line.text }, options.textPath);
	});
}
