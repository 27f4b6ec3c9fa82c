/**
 * Text, reasoning, usage and errors of each model server's wire format, read from a real sample model server
 * process playing that server (`--dialect`), and the rules for shapes that fit no dialect.
 */
import { aggregateChunks, decodeStream, parseTextPath, VertexStreamError, type StreamChunk, type StreamSummary } from '../../../lib/stream';
import { forgetSecrets, rememberSecret } from '../../../lib/secrets';
import { collect, whole } from './body-fixtures';
import { startSampleServer, type SampleServer } from '../support/sampleServer';

const DIALECTS = ['openai', 'vllm-reasoning', 'tgi', 'llamacpp', 'ollama', 'kserve', 'torchserve'] as const;
const servers: Partial<Record<(typeof DIALECTS)[number], SampleServer>> = {};

beforeAll(async () => {
	await Promise.all(DIALECTS.map(async (dialect) => (servers[dialect] = await startSampleServer([`--dialect=${dialect}`]))));
}, 30_000);

afterAll(() => {
	for (const server of Object.values(servers)) server?.stop();
});

async function post(dialect: (typeof DIALECTS)[number], route: string, body: unknown) {
	const response = await fetch(`${servers[dialect]!.base}${route}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	expect(response.status).toBe(200);
	return decodeStream(response.body as AsyncIterable<Uint8Array>, { contentType: response.headers.get('content-type') ?? '' });
}

/** Aggregates a stream, giving what came before a failure together with the failure. */
async function summarise(chunks: AsyncIterable<StreamChunk> | Iterable<StreamChunk>): Promise<{ summary: StreamSummary; error?: unknown }> {
	const summary: StreamSummary = { text: '', chunkCount: 0 };
	try {
		await aggregateChunks(chunks, summary);
		return { summary };
	} catch (error) {
		return { summary, error };
	}
}

const CHAT = { messages: [{ role: 'user', content: 'hi' }], stream: true, chunks: 3, chunkSize: 4 };
const ANSWER = 'tok0tok1tok2';

describe('each server\'s stream, from a real process', () => {
	it('openai: text and usage as sent', async () => {
		const { summary } = await summarise(await post('openai', '/v1/chat/completions', CHAT));
		expect(summary).toMatchObject({ text: ANSWER, usage: { prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 } });
		expect(summary.reasoning).toBeUndefined();
	});

	it.each(['reasoning_content', 'reasoning'])('vllm-reasoning: delta.%s becomes reasoning, kept out of the text', async (field) => {
		const chunks = await collect(await post('vllm-reasoning', '/v1/chat/completions', { ...CHAT, reasoningField: field }));
		const { summary } = await summarise(chunks);
		expect(summary.text).toBe(ANSWER);
		expect(summary.reasoning).toBe('Let me think about this.');
		expect(chunks.filter((chunk) => chunk.reasoning !== undefined).every((chunk) => chunk.text === undefined)).toBe(true);
	});

	it('tgi: token.text without the special end token, details as usage with the raw counters', async () => {
		const { summary } = await summarise(await post('tgi', '/generate_stream', { inputs: 'two words', chunks: 3, chunkSize: 4 }));
		expect(summary.text).toBe(ANSWER);
		expect(summary.usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5, raw: { input_length: 2, generated_tokens: 3 } });
	});

	it('llamacpp: content, and tokens_evaluated / tokens_predicted / timings as usage', async () => {
		const { summary } = await summarise(await post('llamacpp', '/completion', { prompt: 'hi', stream: true, chunks: 3, chunkSize: 4 }));
		expect(summary.text).toBe(ANSWER);
		expect(summary.usage).toMatchObject({ prompt_tokens: 1, completion_tokens: 3, total_tokens: 4, raw: { tokens_evaluated: 1, tokens_predicted: 3, timings: expect.any(Object) } });
	});

	it.each([['/api/generate', { prompt: 'hi' }], ['/api/chat', { messages: [{ role: 'user', content: 'hi' }] }]])('ollama %s: NDJSON text and eval counts as usage', async (route, request) => {
		const { summary } = await summarise(await post('ollama', route, { ...request, chunks: 3, chunkSize: 4 }));
		expect(summary.text).toBe(ANSWER);
		expect(summary).toMatchObject({ usage: { prompt_tokens: 1, completion_tokens: 3, total_tokens: 4, raw: { prompt_eval_count: 1, eval_count: 3 } } });
	});

	it('kserve: the text of the BYTES output tensor of a whole answer', async () => {
		const request = { inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1], data: ['hi'] }], chunks: 3, chunkSize: 4 };
		const chunks = await collect(await post('kserve', '/v2/models/m/infer', request));
		expect(chunks.map((chunk) => chunk.text)).toEqual([ANSWER]);
	});

	it('torchserve: the text answer is the text', async () => {
		const { summary } = await summarise(await post('torchserve', '/predictions/m', { chunks: 3, chunkSize: 4 }));
		expect(summary.text).toBe(ANSWER);
	});
});

describe('a server error inside the stream', () => {
	const cases = [
		['openai', '/v1/chat/completions', CHAT, 'The model server failed while generating (InternalServerError)'],
		['vllm-reasoning', '/v1/chat/completions', CHAT, 'The model server failed while generating (InternalServerError)'],
		['tgi', '/generate_stream', { inputs: 'x', chunks: 3, chunkSize: 4 }, 'CUDA out of memory (generation)'],
		['llamacpp', '/completion', { prompt: 'x', stream: true, chunks: 3, chunkSize: 4 }, 'slot failed while decoding (server_error)'],
		['ollama', '/api/generate', { prompt: 'x', chunks: 3, chunkSize: 4 }, 'unexpected EOF'],
	] as const;

	it.each(cases)('%s: the chunks before it, then a VertexStreamError naming the server\'s message', async (dialect, route, request, message) => {
		const { summary, error } = await summarise(await post(dialect, route, { ...request, failAfter: 2 }));
		expect(summary.text).toBe('tok0tok1');
		expect(error).toBeInstanceOf(VertexStreamError);
		expect((error as VertexStreamError).reason).toBe('server-error');
		expect((error as Error).message).toContain(message);
	});

	it('an `event: error` whose data is not JSON still fails the stream, with the text', async () => {
		const body = whole('data: {"choices":[{"delta":{"content":"a"}}]}\n\nevent: error\ndata: upstream timed out\n\n');
		const { summary, error } = await summarise(decodeStream(body, { format: 'sse' }));
		expect(summary.text).toBe('a');
		expect((error as Error).message).toContain('upstream timed out');
	});

	it('an older llama.cpp\'s `error:` field line fails the stream with its message', async () => {
		const body = whole('data: {"content":"a","stop":false}\n\nerror: {"code":500,"message":"context shift failed","type":"server_error"}\n\n');
		const { summary, error } = await summarise(decodeStream(body, { format: 'sse' }));
		expect(summary.text).toBe('a');
		expect((error as Error).message).toContain('context shift failed');
	});

	it('quotes a huge error message cut short, saying how long it was', async () => {
		const body = whole(`data: {"error":{"message":"${'x'.repeat(100_000)}"}}\n\n`);
		const { error } = await summarise(decodeStream(body, { format: 'sse' }));
		expect((error as Error).message.length).toBeLessThan(700);
		expect((error as Error).message).toContain('100000 characters');
	});

	it('scrubs a secret the server quotes in its error', async () => {
		rememberSecret('ya29.sent-token-0123456789');
		try {
			const body = whole('data: {"error":{"message":"bad header Bearer ya29.sent-token-0123456789"}}\n\n');
			const { error } = await summarise(decodeStream(body, { format: 'sse' }));
			expect((error as Error).message).not.toContain('sent-token');
		} finally {
			forgetSecrets();
		}
	});
});

describe('shapes that fit no dialect', () => {
	it('a stream that mixes dialects: each chunk read for what it is', async () => {
		const body = whole(
			'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"token":{"text":"b","special":false}}\n\ndata: {"content":"c","stop":false}\n\n',
		);
		expect((await summarise(decodeStream(body, { format: 'sse' }))).summary.text).toBe('abc');
	});

	it('a chunk that is not JSON keeps its raw data, without text; an answer with no text gets a note', async () => {
		const { summary } = await summarise(decodeStream(whole('data: hello\n\ndata: {"x":1}\n\n'), { format: 'sse' }));
		expect(summary.lastEvent?.data).toEqual({ x: 1 });
		expect(summary.text).toBe('');
		expect(summary.note).toMatch(/Text Field/);
	});

	it('a reasoning-only answer: reasoning kept, a note says the text is empty', async () => {
		const body = whole('data: {"choices":[{"delta":{"reasoning_content":"hmm"}}]}\n\ndata: [DONE]\n\n');
		const { summary } = await summarise(decodeStream(body, { format: 'sse' }));
		expect(summary).toMatchObject({ text: '', reasoning: 'hmm', note: expect.stringMatching(/reasoning only/) });
	});

	it('textPath reads the text where a custom server puts it', async () => {
		const body = whole('{"result":{"output":"x"}}\n{"result":{"output":"y"}}\n');
		const chunks = await collect(decodeStream(body, { format: 'ndjson', textPath: parseTextPath('result.output') }));
		expect(chunks.map((chunk) => chunk.text)).toEqual(['x', 'y']);
		expect(parseTextPath("$.outputs[0]['odd key'].data")).toEqual(['outputs', 0, 'odd key', 'data']);
	});

	it.each(['', 'a..b', 'a[x]', '.a', 'a b'])('refuses the text path %j, naming the option', (path) => {
		expect(() => parseTextPath(path, '"Text Field"')).toThrow(/"Text Field"/);
	});

	it('reasoning tokens counted apart become usage.reasoning_tokens, the server\'s usage kept as sent', async () => {
		const usage = { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14, completion_tokens_details: { reasoning_tokens: 6 } };
		const body = whole(`data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: ${JSON.stringify({ choices: [], usage })}\n\ndata: [DONE]\n\n`);
		const { summary } = await summarise(decodeStream(body, { format: 'sse' }));
		expect(summary.usage).toEqual({ ...usage, reasoning_tokens: 6 });
	});

	it('a token the package sent that a successful stream echoes is replaced in raw, data and text', async () => {
		rememberSecret('ya29.echoed-token-0123456789');
		try {
			const body = whole('data: {"choices":[{"delta":{"content":"auth was Bearer ya29.echoed-token-0123456789"}}]}\n\n');
			const [chunk] = await collect(decodeStream(body, { format: 'sse' }));
			expect(JSON.stringify(chunk)).not.toContain('echoed-token');
			expect(chunk.text).toContain('[redacted]');
		} finally {
			forgetSecrets();
		}
	});
});
