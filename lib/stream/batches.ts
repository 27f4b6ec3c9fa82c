import type { StreamChunk } from './types';

/** The chunks of batches one by one, for readers that take a stream chunk by chunk. */
export async function* oneByOne(batches: AsyncIterable<readonly StreamChunk[]>): AsyncGenerator<StreamChunk> {
	for await (const batch of batches) {
		// A loop, not yield*: delegating costs promises for every chunk.
		for (const chunk of batch) yield chunk;
	}
}

/** Each chunk as a batch of its own: a stream decoded chunk by chunk, for readers that take batches. */
export async function* batchesOfOne(chunks: AsyncIterable<StreamChunk>): AsyncGenerator<StreamChunk[]> {
	for await (const chunk of chunks) yield [chunk];
}
