export { aggregateBatches, aggregateChunks, usageOf, type StreamSummary, type StreamUsage } from './aggregate';
export { batchesOfOne } from './batches';
export { readBodyBytes } from './body';
export { decodeStream, type DecodedStream, type DecodeStreamOptions } from './decode';
export { completeChunk, parseTextPath, serverErrorOf, valueAtPath, type TextPath } from './chunkContent';
export { readChunkContent, type ChunkContent } from './deltaText';
export { VertexStreamError } from './errors';
export { detectStreamFormat } from './format';
export { decodeLines, decodeNdjson } from './lines';
export { readableBytes } from './readable';
export { decodeSse, type SseDecodeOptions } from './sse';
export {
	DEFAULT_MAX_CHUNKS,
	DEFAULT_MAX_JSON_BYTES,
	DEFAULT_MAX_STREAM_BYTES,
	DEFAULT_MAX_LINE_LENGTH,
	type StreamChunk,
	type StreamDecodeOptions,
	type StreamFormat,
} from './types';
export { decodeBytes, decodeJson, decodeText } from './whole';
