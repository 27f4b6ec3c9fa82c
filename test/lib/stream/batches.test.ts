import { aggregateBatches, aggregateChunks, decodeStream, VertexStreamError, type StreamChunk } from '../../../lib/stream';
import { allSplits, bytesOf, collect, FakeBody, whole } from './body-fixtures';

const SSE_STREAM =
	'data: {"choices":[{"delta":{"reasoning_content":"Think "}}]}\n\n' +
	'data: {"choices":[{"delta":{"content":"Hello, "}}]}\n\n' +
	'event: note\nid: 3\ndata: not json\n\n' +
	'data: {"choices":[{"delta":{"content":"world"}}]}\n\n' +
	'data: {"choices":[],"usage":{"prompt_tokens":2,"completion_tokens":3}}\n\n' +
	'data: [DONE]\n\n';

const LINES_STREAM = 'first line\r\nsecond\n\nlast\n';

const NDJSON_STREAM =
	'{"content":"Hello, ","stop":false}\n\n' +
	'{"content":"world","stop":false}\n' +
	'{"content":"","stop":true,"tokens_evaluated":2,"tokens_predicted":2}\n';

const flat = (batches: (readonly StreamChunk[])[]): StreamChunk[] => batches.flat();

/** The batches a stream gives until it fails, and the failure. */
async function batchesUntilFailure(body: string, format: 'sse' | 'ndjson'): Promise<{ batches: StreamChunk[][]; error: unknown }> {
	const batches: StreamChunk[][] = [];
	try {
		for await (const batch of decodeStream(whole(body), { format }).batches()) batches.push([...batch]);
	} catch (error) {
		return { batches, error };
	}
	throw new Error('the stream did not fail');
}

describe('a decoded stream read in batches', () => {
	describe.each([
		['sse', SSE_STREAM],
		['ndjson', NDJSON_STREAM],
		['lines', LINES_STREAM],
	] as const)('%s', (format, body) => {
		it.each(allSplits(body))('gives the chunks of the chunk-by-chunk reading, in order (%s)', async (_name, split) => {
			const oneByOne = await collect(decodeStream(split(), { format }));
			const batches = await collect(decodeStream(split(), { format }).batches());
			expect(flat(batches)).toEqual(oneByOne);
			expect(batches.every((batch) => batch.length > 0)).toBe(true);
		});

		it('gives a body that came in one read as one batch', async () => {
			const batches = await collect(decodeStream(whole(body), { format }).batches());
			expect(batches).toHaveLength(1);
			expect(batches[0].length).toBeGreaterThan(1);
		});

		it('is read once, whichever way it is read first', async () => {
			const batched = decodeStream(whole(body), { format });
			await collect(batched.batches());
			expect(() => batched[Symbol.asyncIterator]()).toThrow(VertexStreamError);
			const chunked = decodeStream(whole(body), { format });
			await collect(chunked);
			expect(() => chunked.batches()).toThrow(/read only once/);
		});
	});

	it('gives the chunks before a server error in the same read, then the error', async () => {
		const failing =
			'data: {"choices":[{"delta":{"content":"Hello"}}]}\n\n' +
			'data: {"choices":[{"delta":{"content":" there"}}]}\n\n' +
			'event: error\ndata: {"error":{"message":"out of memory"}}\n\n' +
			'data: {"choices":[{"delta":{"content":"never"}}]}\n\n';
		const { batches, error } = await batchesUntilFailure(failing, 'sse');
		expect(flat(batches).map((chunk) => chunk.text)).toEqual(['Hello', ' there']);
		expect(error).toBeInstanceOf(VertexStreamError);
		expect((error as VertexStreamError).reason).toBe('server-error');
		expect((error as Error).message).toContain('out of memory');
	});

	it('gives the NDJSON lines before a line that is not JSON, then the error naming it', async () => {
		const { batches, error } = await batchesUntilFailure('{"content":"a"}\n{"content":"b"}\n{oops\n{"content":"c"}\n', 'ndjson');
		expect(flat(batches).map((chunk) => chunk.text)).toEqual(['a', 'b']);
		expect((error as VertexStreamError).reason).toBe('invalid-json');
		expect((error as Error).message).toContain('line 3');
	});

	it('gives the chunks up to maxChunks, then the limit error', async () => {
		const body = Array.from({ length: 5 }, (_, i) => `data: {"text":"${i}"}\n\n`).join('');
		const batches: StreamChunk[][] = [];
		await expect(
			(async () => {
				for await (const batch of decodeStream(whole(body), { format: 'sse', maxChunks: 3 }).batches()) batches.push([...batch]);
			})(),
		).rejects.toThrow(/maxChunks/);
		expect(flat(batches).map((chunk) => chunk.text)).toEqual(['0', '1', '2']);
	});

	it('gives plain lines and text a network read at a time, and binary one chunk a batch', async () => {
		const lines = await collect(decodeStream(new FakeBody([bytesOf('one\ntwo\nthr'), bytesOf('ee\n')]), { format: 'lines' }).batches());
		expect(lines.map((batch) => batch.map((chunk) => chunk.text))).toEqual([['one\n', 'two\n'], ['three\n']]);
		const text = await collect(decodeStream(new FakeBody([bytesOf('one '), bytesOf('two')]), { format: 'text' }).batches());
		expect(text.map((batch) => batch.map((chunk) => chunk.text))).toEqual([['one '], ['two']]);
		const binary = await collect(decodeStream(new FakeBody([bytesOf('ab'), bytesOf('c')]), { format: 'binary' }).batches());
		expect(binary.map((batch) => batch.length)).toEqual([1, 1]);
	});
});

describe('aggregateBatches', () => {
	it.each([
		['sse', SSE_STREAM],
		['ndjson', NDJSON_STREAM],
	] as const)('sums a %s stream as aggregateChunks does', async (format, body) => {
		const byChunk = await aggregateChunks(decodeStream(whole(body), { format }));
		const byBatch = await aggregateBatches(decodeStream(whole(body), { format }).batches());
		expect(byBatch).toEqual(byChunk);
		expect(byBatch.text).toBe('Hello, world');
		expect(byBatch.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: format === 'sse' ? 3 : 2 });
	});

	it('keeps what came before a failure in the summary it was given', async () => {
		const failing = 'data: {"choices":[{"delta":{"reasoning_content":"hmm"}}]}\n\ndata: {"choices":[{"delta":{"content":"Part"}}]}\n\ndata: {"error":{"message":"slot failed"}}\n\n';
		const summary = { text: '', chunkCount: 0 };
		await expect(aggregateBatches(decodeStream(whole(failing), { format: 'sse' }).batches(), summary)).rejects.toThrow(/slot failed/);
		expect(summary).toMatchObject({ text: 'Part', reasoning: 'hmm', chunkCount: 2 });
	});
});
