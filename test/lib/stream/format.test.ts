import {
	aggregateChunks,
	decodeBytes,
	decodeJson,
	decodeStream,
	decodeText,
	detectStreamFormat,
	readChunkContent,
	readBodyBytes,
	VertexStreamError,
	type StreamChunk,
} from '../../../lib/stream';
import { allSplits, byteByByte, collect, FakeBody, whole } from './body-fixtures';

describe('detectStreamFormat', () => {
	it.each([
		['text/event-stream', 'sse'],
		['Text/Event-Stream; charset=utf-8', 'sse'],
		['application/x-ndjson', 'ndjson'],
		['application/ndjson', 'ndjson'],
		['application/jsonl; charset=utf-8', 'ndjson'],
		['application/json', 'json'],
		['application/problem+json', 'json'],
		['text/plain; charset=utf-8', 'text'],
		['text/html', 'text'],
		['application/xml', 'text'],
		['application/octet-stream', 'binary'],
		['image/png', 'binary'],
		['', 'binary'],
		[undefined, 'binary'],
	] as const)('%s -> %s', (contentType, format) => {
		expect(detectStreamFormat(contentType)).toBe(format);
	});
});

describe('decodeStream', () => {
	it('picks the decoder from the content type', async () => {
		const decoded = decodeStream(whole('{"a":1}\n{"a":2}\n'), { contentType: 'application/x-ndjson' });
		expect(decoded.format).toBe('ndjson');
		expect((await collect(decoded)).map((chunk) => chunk.data)).toEqual([{ a: 1 }, { a: 2 }]);
	});

	it('lets the caller override the detected format', async () => {
		const decoded = decodeStream(whole('data: x\n\n'), { contentType: 'text/plain', format: 'sse' });
		expect(decoded.format).toBe('sse');
		expect((await collect(decoded)).map((chunk) => chunk.data)).toEqual(['x']);
	});

	it('refuses an unknown format and a second read', async () => {
		expect(() => decodeStream(whole(''), { format: 'xml' as never })).toThrow(/Unknown stream format "xml"/);
		const decoded = decodeStream(whole('a\n'), { format: 'lines' });
		await collect(decoded);
		expect(() => decoded[Symbol.asyncIterator]()).toThrow(VertexStreamError);
	});
});

describe('text, bytes and JSON decoders', () => {
	const TEXT = 'Ünïcödé text — 日本語 🎉 streamed';

	it.each(allSplits(TEXT))('text pieces join back to the text however cut (%s)', async (_name, body) => {
		const chunks = await collect(decodeText(body()));
		expect(chunks.map((chunk) => chunk.text).join('')).toBe(TEXT);
		expect(chunks.every((chunk) => !chunk.raw.includes('\uFFFD'))).toBe(true);
	});

	it('yields text pieces as they arrive, not at the end', async () => {
		const body = new FakeBody([Buffer.from('one '), Buffer.from('two')]);
		const iterator = decodeText(body)[Symbol.asyncIterator]();
		expect((await iterator.next()).value?.data).toBe('one ');
		expect(body.pulled).toBe(1);
		await iterator.return?.(undefined);
		expect(body.released).toBe(true);
	});

	it('passes bytes through as Buffers, one per network read', async () => {
		const pieces = [Uint8Array.of(0, 255, 1), Uint8Array.of(128)];
		const chunks = await collect(decodeBytes(new FakeBody(pieces)));
		expect(chunks).toHaveLength(2);
		expect(Buffer.isBuffer(chunks[0].data)).toBe(true);
		expect(Buffer.concat(chunks.map((chunk) => chunk.data as Buffer))).toEqual(Buffer.from([0, 255, 1, 128]));
	});

	it('reads a JSON body whole into one chunk with its text', async () => {
		const answer = { choices: [{ message: { content: 'Hello ✓' } }], usage: { total_tokens: 9 } };
		const chunks = await collect(decodeJson(byteByByte(JSON.stringify(answer))));
		expect(chunks).toEqual<StreamChunk[]>([
			{ index: 0, data: answer, raw: JSON.stringify(answer), text: 'Hello ✓' },
		]);
		expect(await collect(decodeJson(whole('')))).toEqual([]);
	});

	it('fails clearly on a JSON body that is not JSON or is too large', async () => {
		await expect(collect(decodeJson(whole('<html>oops</html>')))).rejects.toThrow(
			/The JSON response body is not valid JSON .*"<html>oops<\/html>"/,
		);
		await expect(collect(decodeJson(whole('[1,2,3,4,5]'), { maxJsonBytes: 5 }))).rejects.toThrow(
			/larger than the 5 bytes allowed/,
		);
	});

	it('readBodyBytes stops the download once the limit is passed', async () => {
		const body = new FakeBody(Array.from({ length: 10 }, () => Buffer.alloc(10)));
		await expect(readBodyBytes(body, 25)).rejects.toThrow(VertexStreamError);
		expect(body.pulled).toBe(3);
		expect(body.released).toBe(true);
		expect(await readBodyBytes(new FakeBody([Buffer.from('ab'), Buffer.from('c')]))).toEqual(Buffer.from('abc'));
	});
});

describe('readChunkContent: text', () => {
	it.each([
		[{ choices: [{ delta: { content: 'chat' } }] }, 'chat'],
		[{ choices: [{ delta: { role: 'assistant', content: null } }] }, undefined],
		[{ choices: [{ text: 'completion' }] }, 'completion'],
		[{ choices: [{ message: { content: 'whole answer' } }] }, 'whole answer'],
		[{ text: 'plain' }, 'plain'],
		[{ response: 'ollama' }, 'ollama'],
		[{ token: { text: 'tgi', special: false } }, 'tgi'],
		[{ token: { text: '</s>', special: true } }, undefined],
		[{ choices: [] }, undefined],
		['a string', undefined],
		[null, undefined],
		[[{ text: 'in an array' }], undefined],
	])('%j -> %j', (data, text) => {
		expect(readChunkContent(data).text).toBe(text);
	});
});

describe('aggregateChunks', () => {
	it('joins delta texts, counts chunks, keeps the last usage and the last chunk', async () => {
		const body = whole(
			'data: {"choices":[{"delta":{"role":"assistant"}}],"usage":null}\n\n' +
				'data: {"choices":[{"delta":{"content":"Hel"}}],"usage":{"total_tokens":1}}\n\n' +
				'data: {"choices":[{"delta":{"content":"lo"}}]}\n\n' +
				'data: {"choices":[],"usage":{"total_tokens":7}}\n\n' +
				'event: end\ndata: bye\n\n' +
				'data: [DONE]\n\n',
		);
		const summary = await aggregateChunks(decodeStream(body, { format: 'sse' }));
		expect(summary.text).toBe('Hello');
		expect(summary.chunkCount).toBe(5);
		expect(summary.usage).toEqual({ total_tokens: 7 });
		expect(summary.lastEvent).toMatchObject({ index: 4, event: 'end', data: 'bye' });
	});

	it('sums up an empty stream and plain arrays', async () => {
		expect(await aggregateChunks([])).toEqual({ text: '', chunkCount: 0 });
		const summary = await aggregateChunks([{ index: 0, data: 'x', raw: 'x', text: 'x' }]);
		expect(summary).toMatchObject({ text: 'x', chunkCount: 1 });
		expect(summary.usage).toBeUndefined();
	});
});
