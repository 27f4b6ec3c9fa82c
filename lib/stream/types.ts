/** How a response body is cut into chunks. */
export type StreamFormat = 'sse' | 'ndjson' | 'lines' | 'json' | 'text' | 'binary';

/** One decoded piece of a model server's response. */
export interface StreamChunk {
	/** 0-based position in the stream. */
	index: number;
	/** SSE `event:` field, when the server set one. */
	event?: string;
	/** SSE `id:` field, when the server set one. */
	id?: string;
	/**
	 * SSE data / NDJSON line / JSON body: the parsed JSON value, or the string when it is not JSON (SSE only).
	 * Lines and text: the string. Binary: a Buffer of the bytes as they arrived.
	 */
	data: unknown;
	/** The chunk's source text (SSE data field, line, text piece); empty for binary chunks. */
	raw: string;
	/** The generated text this chunk carries, when it carries any (see `readChunkContent`). */
	text?: string;
	/** The model's thinking, when the server streams it apart from the answer (vLLM's reasoning parsers, Ollama). */
	reasoning?: string;
}

export interface StreamDecodeOptions {
	/**
	 * Longest line (lines, NDJSON) or event (SSE, all its lines together) accepted, in characters of decoded
	 * text. Guards memory against a server that never ends a line. Default 1 MiB.
	 */
	maxLineLength?: number;
	/** Largest body the `json` format buffers before parsing, in bytes. Default 32 MiB. */
	maxJsonBytes?: number;
	/** Most chunks a stream may yield before it is refused (each becomes an item in n8n). Default 100 000. */
	maxChunks?: number;
	/** Most bytes a stream may carry in all before it is refused. Default 1 GiB. */
	maxStreamBytes?: number;
	/** Where the text is in each chunk, for a server whose shape is not recognised (see `parseTextPath`). */
	textPath?: readonly (string | number)[];
}

export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;
export const DEFAULT_MAX_JSON_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_CHUNKS = 100_000;
export const DEFAULT_MAX_STREAM_BYTES = 1024 * 1024 * 1024;
