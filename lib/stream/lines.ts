import { excerpt, jsonSyntaxProblem, VertexStreamError } from './errors';
import { extractDeltaText } from './delta-text';
import { LineSplitter, type SplitLine } from './line-splitter';
import { DEFAULT_MAX_LINE_LENGTH, type StreamChunk, type StreamDecodeOptions } from './types';
import { decodeUtf8 } from './utf8';

async function* splitLines(
	body: AsyncIterable<Uint8Array>,
	maxLineLength: number,
	label: string,
): AsyncGenerator<SplitLine> {
	const splitter = new LineSplitter(maxLineLength, label);
	for await (const text of decodeUtf8(body)) yield* splitter.push(text);
	const last = splitter.finish();
	if (last) yield last;
}

/**
 * Plain text lines, split on `\n` or `\r\n`. `data` is the line; `text` is the line with a `\n` after it (none after
 * an unterminated last line), so joining the texts gives back the body with its line ends normalised.
 */
export async function* decodeLines(
	body: AsyncIterable<Uint8Array>,
	options: StreamDecodeOptions = {},
): AsyncGenerator<StreamChunk> {
	let index = 0;
	for await (const line of splitLines(body, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH, 'Text')) {
		yield { index: index++, data: line.text, raw: line.text, text: line.terminated ? `${line.text}\n` : line.text };
	}
}

/** One JSON value per line; blank lines are skipped. A line that is not JSON fails the stream, naming the line. */
export async function* decodeNdjson(
	body: AsyncIterable<Uint8Array>,
	options: StreamDecodeOptions = {},
): AsyncGenerator<StreamChunk> {
	let index = 0;
	for await (const line of splitLines(body, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH, 'NDJSON')) {
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
		const chunk: StreamChunk = { index: index++, data, raw: line.text };
		const text = extractDeltaText(data);
		if (text !== undefined) chunk.text = text;
		yield chunk;
	}
}
