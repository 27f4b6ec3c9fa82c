import { decodeLines, decodeNdjson, VertexStreamError } from '../../../lib/stream';
import { allSplits, collect, FakeBody, whole } from './body-fixtures';

const NDJSON =
	'{"response":"Hal","done":false}\r\n' +
	'\n' +
	'{"response":"lø ✓","done":false}\n' +
	'  \n' +
	'{"token":{"text":"</s>","special":true}}\n' +
	'{"response":"","done":true,"usage":{"eval_count":2}}';

const LINES = 'first line\r\nsecond — ünïcode\n\nlast without newline';

describe('NDJSON decoder', () => {
	it('parses one JSON value per line, skips blank lines, extracts text', async () => {
		const chunks = await collect(decodeNdjson(whole(NDJSON)));
		expect(chunks.map((chunk) => chunk.data)).toEqual([
			{ response: 'Hal', done: false },
			{ response: 'lø ✓', done: false },
			{ token: { text: '</s>', special: true } },
			{ response: '', done: true, usage: { eval_count: 2 } },
		]);
		expect(chunks.map((chunk) => chunk.text)).toEqual(['Hal', 'lø ✓', undefined, '']);
		expect(chunks.map((chunk) => chunk.index)).toEqual([0, 1, 2, 3]);
		expect(chunks[0].raw).toBe('{"response":"Hal","done":false}');
	});

	it.each(allSplits(NDJSON))('gives the same chunks however the bytes are cut (%s)', async (_name, body) => {
		const expected = await collect(decodeNdjson(whole(NDJSON)));
		expect(await collect(decodeNdjson(body()))).toEqual(expected);
	});

	it('names the line number of a line that is not JSON and quotes it truncated', async () => {
		const badLine = `{"broken": ${'x'.repeat(500)}`;
		const body = whole(`{"a":1}\n\n${badLine}\n{"b":2}\n`);
		const error = await collect(decodeNdjson(body)).catch((caught) => caught);
		expect(error).toBeInstanceOf(VertexStreamError);
		expect(error.reason).toBe('invalid-json');
		expect(error.lineNumber).toBe(3);
		expect(error.message).toMatch(/^NDJSON line 3 is not valid JSON/);
		expect(error.message).toContain('{\\"broken\\": xxx');
		expect(error.message).toContain('(511 characters)');
		expect(error.message.length).toBeLessThan(400);
	});

	it('fails on a line longer than the maximum, finished or not, and stops reading', async () => {
		await expect(collect(decodeNdjson(whole(`{"a":"${'x'.repeat(200)}"}\n`), { maxLineLength: 100 }))).rejects.toThrow(
			/NDJSON line 1 is longer than the 100 characters allowed/,
		);
		const endless = new FakeBody(Array.from({ length: 40 }, () => Buffer.from('"xxxxxxxxxx')));
		const error = await collect(decodeNdjson(endless, { maxLineLength: 100 })).catch((caught) => caught);
		expect(error).toBeInstanceOf(VertexStreamError);
		expect(error.reason).toBe('too-large');
		expect(endless.pulled).toBeLessThan(40);
		expect(endless.released).toBe(true);
	});

	it('accepts a line of exactly the maximum length, also with CRLF cut in two', async () => {
		const line = JSON.stringify('y'.repeat(98));
		const body = new FakeBody([Buffer.from(`${line}\r`), Buffer.from('\n')]);
		expect((await collect(decodeNdjson(body, { maxLineLength: 100 })))[0].data).toBe('y'.repeat(98));
	});

	it('releases the body when the consumer stops early', async () => {
		const body = new FakeBody([Buffer.from('1\n2\n'), Buffer.from('3\n')]);
		for await (const chunk of decodeNdjson(body)) {
			expect(chunk.data).toBe(1);
			break;
		}
		expect(body.released).toBe(true);
		expect(body.pulled).toBe(1);
	});
});

describe('lines decoder', () => {
	it('splits on LF and CRLF; text joins back to the body with LF line ends', async () => {
		const chunks = await collect(decodeLines(whole(LINES)));
		expect(chunks.map((chunk) => chunk.data)).toEqual([
			'first line',
			'second — ünïcode',
			'',
			'last without newline',
		]);
		expect(chunks.map((chunk) => chunk.text).join('')).toBe(LINES.replace(/\r\n/g, '\n'));
	});

	it.each(allSplits(LINES))('gives the same lines however the bytes are cut (%s)', async (_name, body) => {
		const expected = await collect(decodeLines(whole(LINES)));
		expect(await collect(decodeLines(body()))).toEqual(expected);
	});

	it('keeps a multi-byte character cut between packets whole', async () => {
		const bytes = Buffer.from('a€b\n');
		// The euro sign is three bytes: cut after its first and second byte.
		const body = new FakeBody([bytes.subarray(0, 2), bytes.subarray(2, 3), bytes.subarray(3)]);
		expect((await collect(decodeLines(body)))[0].data).toBe('a€b');
	});

	it('fails on a line longer than the maximum', async () => {
		await expect(collect(decodeLines(whole(`ok\n${'z'.repeat(11)}\n`), { maxLineLength: 10 }))).rejects.toThrow(
			/Text line 2 is longer than the 10 characters allowed/,
		);
	});
});
