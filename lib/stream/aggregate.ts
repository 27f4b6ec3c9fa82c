import type { StreamChunk } from './types';

export interface StreamSummary {
	/** The chunks' `text` joined in order. */
	text: string;
	chunkCount: number;
	/** The last `usage` object a chunk's data carried (OpenAI-compatible servers send it near the end). */
	usage?: Record<string, unknown>;
	/** The last chunk of the stream. */
	lastEvent?: StreamChunk;
}

function usageOf(data: unknown): Record<string, unknown> | undefined {
	if (typeof data !== 'object' || data === null || Buffer.isBuffer(data)) return undefined;
	const usage = (data as { usage?: unknown }).usage;
	return typeof usage === 'object' && usage !== null && !Array.isArray(usage)
		? (usage as Record<string, unknown>)
		: undefined;
}

/** Reads chunks to the end and sums them up. */
export async function aggregateChunks(
	chunks: AsyncIterable<StreamChunk> | Iterable<StreamChunk>,
): Promise<StreamSummary> {
	const texts: string[] = [];
	const summary: StreamSummary = { text: '', chunkCount: 0 };
	for await (const chunk of chunks) {
		summary.chunkCount += 1;
		summary.lastEvent = chunk;
		if (chunk.text !== undefined) texts.push(chunk.text);
		const usage = usageOf(chunk.data);
		if (usage) summary.usage = usage;
	}
	summary.text = texts.join('');
	return summary;
}
