import { holdsRememberedSecret, scrubDeep, scrubSecrets } from '../secrets';
import { isRecord, readContentInto } from './deltaText';
import { excerpt, VertexStreamError } from './errors';
import type { StreamChunk } from './types';

/** A JSON path as the "Text Field" option takes it: `result.output`, `outputs[0].data[0]`, `['odd key']`. */
export type TextPath = readonly (string | number)[];

const PATH_PART = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(["'])((?:(?!\3).)*)\3\]/y;

/** Parses a JSON path, or throws an error naming `what` (the option) and what is allowed. */
export function parseTextPath(path: string, what = 'textField'): TextPath {
	const parts: (string | number)[] = [];
	const text = path.trim().replace(/^\$\.?/, '');
	PATH_PART.lastIndex = 0;
	while (PATH_PART.lastIndex < text.length) {
		const at = PATH_PART.lastIndex;
		const match = PATH_PART.exec(text);
		if (!match || (at === 0 && text.startsWith('.'))) {
			throw new VertexStreamError(
				`${what} ${excerpt(path, 60)} is not a JSON path; write it like result.output, outputs[0].data[0] or ['odd key'].text.`,
				'invalid-format',
			);
		}
		parts.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : match[4]));
	}
	if (parts.length === 0) throw new VertexStreamError(`${what} is empty; give a JSON path such as result.output.`, 'invalid-format');
	return parts;
}

/** The value at a path, or undefined. */
export function valueAtPath(data: unknown, path: TextPath): unknown {
	let value = data;
	for (const part of path) {
		if (typeof part === 'number' ? !Array.isArray(value) : !isRecord(value)) return undefined;
		value = (value as Record<string | number, unknown>)[part];
	}
	return value;
}

/**
 * The server's own message when a chunk reports a failure, or undefined: an SSE `event: error`, `{"error": {...}}`
 * (OpenAI-style servers and proxies, vLLM, llama.cpp), `{"error": "...", "error_type"}` (TGI), `{"error": "..."}`
 * (Ollama), `{"object": "error", "message"}` (older vLLM). A chunk that also carries `choices` is an answer.
 */
export function serverErrorOf(data: unknown, event: string | undefined): string | undefined {
	if (isRecord(data) && !Array.isArray(data.choices)) {
		const error = data.error;
		if (typeof error === 'string' && error !== '') return withErrorType(error, data.error_type);
		if (isRecord(error)) return withErrorType(describe(error.message) ?? JSON.stringify(error), error.type ?? error.code);
		if (data.object === 'error') return withErrorType(describe(data.message) ?? JSON.stringify(data), data.type);
	}
	if (event === 'error') return isRecord(data) ? (describe(data.message) ?? JSON.stringify(data)) : String(data);
	return undefined;
}

const describe = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
/** A server's error message with its error type or code after it, as `message (type)`, when there is one. */
export const withErrorType = (message: string, type: unknown): string =>
	(typeof type === 'string' && type !== '') || typeof type === 'number' ? `${message} (${type})` : message;

/**
 * Completes a decoded chunk: scrubs a secret the package sent that the server echoed back, fails the stream when
 * the chunk reports an error (the chunks before it were delivered), and fills `text` and `reasoning`: from
 * `textPath` when given, else from the shapes `readChunkContent` knows.
 */
export function completeChunk(chunk: StreamChunk, textPath?: TextPath): StreamChunk {
	if (holdsRememberedSecret(chunk.raw)) {
		chunk.raw = scrubSecrets(chunk.raw);
		chunk.data = scrubDeep(chunk.data);
	}
	const error = serverErrorOf(chunk.data, chunk.event);
	if (error !== undefined) {
		throw new VertexStreamError(
			`The model server reported an error in its stream after ${chunk.index} chunk${chunk.index === 1 ? '' : 's'}: ${excerpt(error, 500)}`,
			'server-error',
		);
	}
	if (textPath) {
		const text = valueAtPath(chunk.data, textPath);
		if (typeof text === 'string') chunk.text = text;
		return chunk;
	}
	return readContentInto(chunk.data, chunk);
}
