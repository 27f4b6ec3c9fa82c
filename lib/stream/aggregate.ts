import type { StreamChunk } from './types';

/** Token counts in OpenAI's names, whichever server sent them; `raw` keeps the server's own counters. */
export interface StreamUsage {
	prompt_tokens?: number;
	completion_tokens?: number;
	total_tokens?: number;
	/** The part of `completion_tokens` the model spent thinking, when the server counts it apart. */
	reasoning_tokens?: number;
	[field: string]: unknown;
}

export interface StreamSummary {
	/** The chunks' `text` joined in order. */
	text: string;
	/** The chunks' `reasoning` joined in order, when the server sent any. */
	reasoning?: string;
	chunkCount: number;
	/** The last token counts a chunk carried (see `usageOf`). */
	usage?: StreamUsage;
	/** The last chunk of the stream. */
	lastEvent?: StreamChunk;
	/** Why `text` may not be the answer: set when no chunk had text, or only reasoning came. */
	note?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function counted(prompt: number | undefined, completion: number | undefined, raw: Record<string, unknown>): StreamUsage {
	const usage: StreamUsage = {};
	if (prompt !== undefined) usage.prompt_tokens = prompt;
	if (completion !== undefined) usage.completion_tokens = completion;
	if (prompt !== undefined && completion !== undefined) usage.total_tokens = prompt + completion;
	usage.raw = raw;
	return usage;
}

const pick = (from: Record<string, unknown>, names: readonly string[]): Record<string, unknown> =>
	Object.fromEntries(names.filter((name) => from[name] !== undefined).map((name) => [name, from[name]]));

const OLLAMA_COUNTERS = ['prompt_eval_count', 'eval_count', 'total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration'];
const LLAMA_CPP_COUNTERS = ['tokens_evaluated', 'tokens_predicted', 'tokens_cached', 'timings'];

/**
 * OpenAI's usage as sent, with `completion_tokens_details.reasoning_tokens` (OpenAI's API and servers that copy its
 * usage) also as `reasoning_tokens`, so the count has one name whichever server sent it.
 */
function withReasoningTokens(usage: StreamUsage): StreamUsage {
	const details = usage.completion_tokens_details;
	const reasoning = isRecord(details) ? count(details.reasoning_tokens) : undefined;
	return reasoning === undefined || usage.reasoning_tokens !== undefined ? usage : { ...usage, reasoning_tokens: reasoning };
}

/**
 * The token counts a chunk (or whole answer) carries: OpenAI's `usage` as sent; TGI's `details.input_length` /
 * `details.generated_tokens`; llama.cpp's `tokens_evaluated` / `tokens_predicted` (+ `timings`); Ollama's
 * `prompt_eval_count` / `eval_count` (+ durations). The last three become OpenAI's names with the server's own
 * counters under `raw`. Reasoning counted apart becomes `reasoning_tokens`.
 */
export function usageOf(data: unknown): StreamUsage | undefined {
	if (!isRecord(data)) return undefined;
	if (isRecord(data.usage)) return withReasoningTokens(data.usage as StreamUsage);
	if (isRecord(data.details) && count(data.details.generated_tokens) !== undefined) {
		const details = data.details;
		return counted(count(details.input_length), count(details.generated_tokens), pick(details, ['input_length', 'generated_tokens']));
	}
	if (count(data.tokens_predicted) !== undefined) {
		return counted(count(data.tokens_evaluated), count(data.tokens_predicted), pick(data, LLAMA_CPP_COUNTERS));
	}
	if (count(data.eval_count) !== undefined) {
		return counted(count(data.prompt_eval_count), count(data.eval_count), pick(data, OLLAMA_COUNTERS));
	}
	return undefined;
}

/** Sums chunks up into a summary as they come, so a caller whose stream fails still has the partial answer. */
class ChunkTally {
	private readonly texts: string[] = [];
	private readonly reasonings: string[] = [];
	private textChunks = 0;

	constructor(private readonly summary: StreamSummary) {}

	add(chunk: StreamChunk): void {
		const summary = this.summary;
		summary.chunkCount += 1;
		summary.lastEvent = chunk;
		if (chunk.text !== undefined) {
			this.texts.push(chunk.text);
			this.textChunks += 1;
		}
		if (chunk.reasoning !== undefined) this.reasonings.push(chunk.reasoning);
		const usage = usageOf(chunk.data);
		if (usage) summary.usage = usage;
	}

	/** Joins what came into the summary (also after a failure). */
	finish(): StreamSummary {
		const summary = this.summary;
		summary.text = this.texts.join('');
		if (this.reasonings.length > 0) summary.reasoning = this.reasonings.join('');
		summary.note = noteOn(summary, this.textChunks);
		return summary;
	}
}

/**
 * Reads chunks to the end and sums them up. `into` is filled as the chunks come, so a caller whose stream fails
 * (a server error mid-way) still has the partial answer.
 */
export async function aggregateChunks(
	chunks: AsyncIterable<StreamChunk> | Iterable<StreamChunk>,
	into: StreamSummary = { text: '', chunkCount: 0 },
): Promise<StreamSummary> {
	const tally = new ChunkTally(into);
	try {
		for await (const chunk of chunks) tally.add(chunk);
	} finally {
		tally.finish();
	}
	return into;
}

/** `aggregateChunks` over a stream's batches (`DecodedStream.batches()`). */
export async function aggregateBatches(
	batches: AsyncIterable<readonly StreamChunk[]>,
	into: StreamSummary = { text: '', chunkCount: 0 },
): Promise<StreamSummary> {
	const tally = new ChunkTally(into);
	try {
		for await (const batch of batches) for (const chunk of batch) tally.add(chunk);
	} finally {
		tally.finish();
	}
	return into;
}

function noteOn(summary: StreamSummary, textChunks: number): string | undefined {
	if (summary.chunkCount === 0 || summary.text !== '') return undefined;
	if (summary.reasoning) return 'The server sent reasoning only, no answer text: see reasoning.';
	if (textChunks === 0) {
		return 'No chunk had text in a shape this node knows; set "Text Field" to the JSON path of the text.';
	}
	return undefined;
}
