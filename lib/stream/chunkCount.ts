import { VertexStreamError } from './errors';
import { DEFAULT_MAX_CHUNKS } from './types';

/**
 * The indexes of a stream's chunks, 0, 1, 2...: asking for one more than `maxChunks` throws, which stops the stream
 * there. Each decoder numbers its chunks with it, so the limit costs no extra step per chunk (an async generator
 * wrapped around a decoder to count would add a promise and a turn of the event loop's microtasks to every chunk).
 */
export function chunkIndexes(maxChunks = DEFAULT_MAX_CHUNKS): () => number {
	let next = 0;
	return () => {
		if (next >= maxChunks) {
			throw new VertexStreamError(
				`The response stream sent more than the ${maxChunks} chunks allowed (maxChunks); it was stopped there.`,
				'too-large',
				undefined,
				'maxChunks',
			);
		}
		return next++;
	};
}
