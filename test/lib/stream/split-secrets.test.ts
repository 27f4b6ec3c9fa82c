/**
 * A token the package sent, echoed by a server cut across chunks: replaced whatever the cut (at most its first 3
 * characters going out before), in each chunk's text, data and raw text; text that only begins like a token
 * delivered unchanged; no chunk held longer than needed.
 */
import { decodeStream, VertexStreamError, type StreamChunk } from '../../../lib/stream';
import { forgetSecrets, rememberSecret } from '../../../lib/secrets';
import { FakeBody, bytesOf, collect } from './body-fixtures';

const SECRET = 'ya29.split-token-0123456789';
const ECHO = `auth was Bearer ${SECRET} ok`;
const SCRUBBED = 'auth was Bearer [redacted] ok';

beforeEach(() => rememberSecret(SECRET));
afterEach(() => forgetSecrets());

const sseEvent = (content: string) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;
const ndjsonLine = (response: string) => `${JSON.stringify({ response, done: false })}\n`;
/** One network read per event, so the decoder sees each piece on its own. */
const bodyOf = (events: string[]) => new FakeBody(events.map((event) => bytesOf(event)));

/** Every way to cut the echo in `parts` pieces (every position for two, every pair of positions for three). */
function cuts(parts: 2 | 3): string[][] {
	const all: string[][] = [];
	for (let a = 1; a < ECHO.length; a++) {
		if (parts === 2) all.push([ECHO.slice(0, a), ECHO.slice(a)]);
		else for (let b = a + 1; b < ECHO.length; b++) all.push([ECHO.slice(0, a), ECHO.slice(a, b), ECHO.slice(b)]);
	}
	return all;
}

/**
 * The text joined: the token replaced, at most its first 3 characters gone out before (a chunk is held back only
 * for 4 or more); each chunk's data and raw text say what its text says (nothing of the token left there).
 */
function expectScrubbed(chunks: StreamChunk[], textOf: (data: unknown) => unknown) {
	const joined = chunks.map((chunk) => chunk.text).join('');
	expect([SCRUBBED, ...[1, 2, 3].map((n) => SCRUBBED.replace('[redacted]', `${SECRET.slice(0, n)}[redacted]`))]).toContain(joined);
	for (const chunk of chunks) {
		expect(textOf(chunk.data)).toBe(chunk.text);
		expect(typeof chunk.data === 'string' ? chunk.raw : JSON.parse(chunk.raw)).toEqual(chunk.data);
	}
}

describe('a token echoed cut across chunks', () => {
	const sseText = (data: unknown) => (data as { choices: [{ delta: { content: string } }] }).choices[0].delta.content;
	const ndjsonText = (data: unknown) => (data as { response: string }).response;

	it('SSE, cut in two at every position: [redacted] in text, data and raw', async () => {
		for (const pieces of cuts(2)) {
			expectScrubbed(await collect(decodeStream(bodyOf(pieces.map(sseEvent)), { format: 'sse' })), sseText);
		}
	});

	it('SSE, cut in three at every pair of positions', async () => {
		for (const pieces of cuts(3)) {
			expectScrubbed(await collect(decodeStream(bodyOf(pieces.map(sseEvent)), { format: 'sse' })), sseText);
		}
	});

	it('NDJSON, cut in two at every position', async () => {
		for (const pieces of cuts(2)) {
			expectScrubbed(await collect(decodeStream(bodyOf(pieces.map(ndjsonLine)), { format: 'ndjson' })), ndjsonText);
		}
	});

	it('plain lines, the body cut in two network reads at every position: [redacted] in text, data and raw', async () => {
		const body = `${ECHO}\nnext line\nlast ${SECRET}`;
		for (let at = 1; at < body.length; at++) {
			const chunks = await collect(decodeStream(bodyOf([body.slice(0, at), body.slice(at)]), { format: 'lines' }));
			expect(chunks.map((chunk) => chunk.text)).toEqual([`${SCRUBBED}\n`, 'next line\n', 'last [redacted]']);
			for (const chunk of chunks) {
				expect(chunk.raw).toBe(chunk.text!.replace(/\n$/, ''));
				expect(chunk.data).toBe(chunk.raw);
			}
		}
	});

	it('text pieces, cut in two network reads at every position', async () => {
		for (const pieces of cuts(2)) {
			const chunks = await collect(decodeStream(bodyOf(pieces), { format: 'text' }));
			expectScrubbed(chunks, (data) => data);
			for (const chunk of chunks) expect(chunk.data).toBe(chunk.raw);
		}
	});

	it('text pieces, cut in three at every pair of positions', async () => {
		for (const pieces of cuts(3)) expectScrubbed(await collect(decodeStream(bodyOf(pieces), { format: 'text' })), (data) => data);
	});

	it('text that only begins like the token is delivered unchanged, in its chunks', async () => {
		const pieces = ['say ya29.split', '-tok', 'en? no, ya2', '9'];
		const chunks = await collect(decodeStream(bodyOf(pieces.map(sseEvent)), { format: 'sse' }));
		expect(chunks.map((chunk) => chunk.text)).toEqual(pieces);
	});

	it('a chunk that ends with no start of a token, or less than 4 characters of one, goes out before the next is read; one that ends with more is held for one chunk', async () => {
		for (const first of ['hello ', 'token ya2']) {
			const plain = bodyOf([sseEvent(first), sseEvent('world')]);
			for await (const chunk of decodeStream(plain, { format: 'sse' })) {
				expect(chunk.text).toBe(first);
				expect(plain.pulled).toBe(1);
				break;
			}
		}
		const held = bodyOf([sseEvent('token ya29'), sseEvent('x'), sseEvent('y')]);
		for await (const chunk of decodeStream(held, { format: 'sse' })) {
			expect(chunk.text).toBe('token ya29');
			expect(held.pulled).toBe(2);
			break;
		}
	});

	it('reasoning ending like the start of a token does not hold the answer that follows it', async () => {
		const reasoning = (text: string) => `data: ${JSON.stringify({ choices: [{ delta: { reasoning_content: text } }] })}\n\n`;
		const body = bodyOf([reasoning('thinking ya29'), sseEvent('answer '), sseEvent('goes on'), sseEvent('and on')]);
		const iterator = decodeStream(body, { format: 'sse' })[Symbol.asyncIterator]();
		await iterator.next();
		const { value: first } = await iterator.next();
		expect(first.text).toBe('answer ');
		expect(body.pulled).toBe(2);
		await iterator.return?.();
	});

	it('a server error after a held chunk: the chunk first, then the error', async () => {
		const body = bodyOf([sseEvent('token ya29'), 'data: {"error":{"message":"boom"}}\n\n']);
		const seen: StreamChunk[] = [];
		await expect(
			(async () => {
				for await (const chunk of decodeStream(body, { format: 'sse' })) seen.push(chunk);
			})(),
		).rejects.toBeInstanceOf(VertexStreamError);
		expect(seen.map((chunk) => chunk.text)).toEqual(['token ya29']);
	});
});
