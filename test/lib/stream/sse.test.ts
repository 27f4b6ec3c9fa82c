import { decodeSse, decodeStream, VertexStreamError, type StreamChunk } from '../../../lib/stream';
import { allSplits, collect, FakeBody, whole } from './body-fixtures';

const OPENAI_STREAM =
	'data: {"choices":[{"delta":{"role":"assistant"}}]}\r\n\r\n' +
	': keep-alive comment\r\n\r\n' +
	'data: {"choices":[{"delta":{"content":"Grüße, "}}]}\r\n\r\n' +
	'data: {"choices":[{"delta":{"content":"世界 🌍"}}]}\r\n\r\n' +
	'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3}}\r\n\r\n' +
	'data: [DONE]\r\n\r\n' +
	'data: {"after":"done"}\r\n\r\n';

const MIXED_EVENTS =
	'retry: 1000\n' +
	'event: token\nid: 7\ndata: first line\ndata: second line\n\n' +
	':comment only\n\n' +
	'data:no-space\n\n' +
	'event: end\ndata: {"text":"bye é"}\n\n';

describe('SSE decoder', () => {
	it('decodes an OpenAI-style stream: JSON data, delta text, comments skipped, [DONE] ends it', async () => {
		let doneSeen = false;
		const chunks = await collect(decodeSse(whole(OPENAI_STREAM), { onDoneMarker: () => (doneSeen = true) }));
		expect(chunks.map((chunk) => chunk.text)).toEqual([undefined, 'Grüße, ', '世界 🌍', undefined]);
		expect(chunks.map((chunk) => chunk.index)).toEqual([0, 1, 2, 3]);
		expect(chunks[3].data).toEqual({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 3 } });
		expect(chunks.some((chunk) => chunk.raw.includes('[DONE]') || chunk.raw.includes('after'))).toBe(false);
		expect(doneSeen).toBe(true);
	});

	it('keeps multi-line data, event and id; non-JSON data stays a string', async () => {
		const chunks = await collect(decodeSse(whole(MIXED_EVENTS)));
		expect(chunks).toEqual<StreamChunk[]>([
			{ index: 0, event: 'token', id: '7', data: 'first line\nsecond line', raw: 'first line\nsecond line' },
			{ index: 1, data: 'no-space', raw: 'no-space' },
			{ index: 2, event: 'end', data: { text: 'bye é' }, raw: '{"text":"bye é"}', text: 'bye é' },
		]);
	});

	it.each(allSplits(OPENAI_STREAM))('gives the same chunks however the bytes are cut (%s)', async (_name, body) => {
		const expected = await collect(decodeSse(whole(OPENAI_STREAM)));
		expect(await collect(decodeSse(body()))).toEqual(expected);
	});

	it.each(allSplits(MIXED_EVENTS))('gives the same events with LF line ends however cut (%s)', async (_name, body) => {
		const expected = await collect(decodeSse(whole(MIXED_EVENTS)));
		expect(expected).toHaveLength(3);
		expect(await collect(decodeSse(body()))).toEqual(expected);
	});

	it('handles a CRLF cut between its CR and LF', async () => {
		const body = new FakeBody([Buffer.from('data: a\r'), Buffer.from('\n\r'), Buffer.from('\ndata: b\r\n\r\n')]);
		const chunks = await collect(decodeSse(body));
		expect(chunks.map((chunk) => chunk.data)).toEqual(['a', 'b']);
	});

	it('delivers a last event the body ends without a blank line after', async () => {
		const chunks = await collect(decodeSse(whole('data: 1\n\ndata: {"text":"end"}')));
		expect(chunks.map((chunk) => chunk.data)).toEqual([1, { text: 'end' }]);
	});

	it('stops reading the body at [DONE] and releases it', async () => {
		const body = new FakeBody([Buffer.from('data: 1\n\ndata: [DONE]\n\n'), Buffer.from('data: 2\n\n')]);
		const decoded = decodeStream(body, { format: 'sse' });
		expect((await collect(decoded)).map((chunk) => chunk.data)).toEqual([1]);
		expect(decoded.endedByDoneMarker).toBe(true);
		expect(body.pulled).toBe(1);
		expect(body.released).toBe(true);
	});

	it('reports no [DONE] when the stream simply ended', async () => {
		const decoded = decodeStream(whole('data: 1\n\n'), { format: 'sse' });
		await collect(decoded);
		expect(decoded.endedByDoneMarker).toBe(false);
	});

	it('fails clearly when one event grows past the maximum, even split over many lines', async () => {
		const longEvent = `${'data: xxxxxxxxxx\n'.repeat(20)}\n`;
		await expect(collect(decodeSse(whole(longEvent), { maxLineLength: 100 }))).rejects.toThrow(
			/SSE event is longer than the 100 characters allowed/,
		);
		const unterminated = new FakeBody(Array.from({ length: 50 }, () => Buffer.from('data: yyyyyyyyyy')));
		const error = await collect(decodeSse(unterminated, { maxLineLength: 100 })).catch((caught) => caught);
		expect(error).toBeInstanceOf(VertexStreamError);
		expect(error.reason).toBe('too-large');
		// It stopped reading as soon as the limit was crossed.
		expect(unterminated.pulled).toBeLessThan(50);
		expect(unterminated.released).toBe(true);
	});

	it('delivers the events before an oversized one, then fails', async () => {
		const received: unknown[] = [];
		const body = whole(`data: ok\n\ndata: ${'x'.repeat(101)}\n\ndata: never\n\n`);
		await expect(
			(async () => {
				for await (const chunk of decodeSse(body, { maxLineLength: 100 })) received.push(chunk.data);
			})(),
		).rejects.toThrow(VertexStreamError);
		expect(received).toEqual(['ok']);
	});

	it('accepts an event of exactly the maximum size', async () => {
		const data = 'z'.repeat(100);
		const chunks = await collect(decodeSse(whole(`data: ${data}\n\n`), { maxLineLength: 100 }));
		expect(chunks[0].data).toBe(data);
	});

	it('releases the body when the consumer stops early', async () => {
		const body = new FakeBody([Buffer.from('data: 1\n\n'), Buffer.from('data: 2\n\n'), Buffer.from('data: 3\n\n')]);
		for await (const chunk of decodeSse(body)) {
			expect(chunk.data).toBe(1);
			break;
		}
		expect(body.released).toBe(true);
		expect(body.pulled).toBe(1);
	});
});
