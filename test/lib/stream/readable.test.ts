import { Readable } from 'node:stream';

import { readableBytes, type StreamChunk } from '../../../lib';

async function* binaryChunks(parts: string[]): AsyncGenerator<StreamChunk> {
	for (const [index, part] of parts.entries()) yield { index, raw: '', data: Buffer.from(part) };
}

describe('readableBytes', () => {
	it('is a Node Readable of the chunks\' bytes, in order', async () => {
		const readable = readableBytes(binaryChunks(['RIFF', '....', 'WAVE']));
		expect(readable).toBeInstanceOf(Readable);
		const parts: Buffer[] = [];
		for await (const part of readable) parts.push(part as Buffer);
		expect(Buffer.concat(parts).toString()).toBe('RIFF....WAVE');
	});

	it('passes the chunks\' failure on to the reader', async () => {
		async function* failing(): AsyncGenerator<StreamChunk> {
			yield { index: 0, raw: '', data: Buffer.from('part') };
			throw new Error('the stream carried more than allowed');
		}
		const read = async () => {
			for await (const part of readableBytes(failing())) void part;
		};
		await expect(read()).rejects.toThrow('the stream carried more than allowed');
	});
});
