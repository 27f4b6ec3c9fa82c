import { Readable } from 'node:stream';

import type { StreamChunk } from './types';

/**
 * The bytes of binary chunks (`chunks({ format: 'binary' })`) as a Node Readable, for APIs that take a stream
 * (n8n's binary data store writes it to disk or object storage), so a file answer is never held in one Buffer.
 */
export function readableBytes(chunks: AsyncIterable<StreamChunk>): Readable {
	return Readable.from(bytesOf(chunks));
}

async function* bytesOf(chunks: AsyncIterable<StreamChunk>): AsyncGenerator<Buffer> {
	for await (const chunk of chunks) yield chunk.data as Buffer;
}
