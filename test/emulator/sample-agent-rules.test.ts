/**
 * The sample model server as an agent's brain (emulator/README.md, "the chat rules"): /v1/models, tool calls chosen
 * deterministically (non-streamed and streamed, several in one message), the answer after a tool result, JSON mode,
 * JSON for LangChain's format instructions (n8n's chains), the answer from a retrieval prompt's context, and
 * deterministic bag-of-words embeddings. The server runs straight from its TypeScript source, as the emulator starts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';

const SERVER = path.resolve(__dirname, '../../emulator/sampleModelServer.ts');

const CALCULATOR = {
	type: 'function',
	function: {
		name: 'calculator',
		description: 'Useful for getting the result of a math expression.',
		parameters: { type: 'object', properties: { input: { type: 'string' } } },
	},
};
const WEATHER = {
	type: 'function',
	function: {
		name: 'get_weather',
		description: 'The weather in a city.',
		parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
	},
};

let server: ChildProcess;
let base: string;

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.on('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as { port: number };
			probe.close(() => resolve(port));
		});
	});
}

beforeAll(async () => {
	const port = await freePort();
	server = spawn(process.execPath, ['--no-warnings', SERVER, '--model-name=brain-1'], { env: { ...process.env, AIP_HTTP_PORT: String(port) }, stdio: 'ignore' });
	base = `http://127.0.0.1:${port}`;
	for (let attempt = 0; ; attempt++) {
		const healthy = await fetch(`${base}/health`).then((response) => response.ok, () => false);
		if (healthy) break;
		if (attempt > 100) throw new Error('the sample model server did not start');
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
});

afterAll(() => {
	server?.kill('SIGTERM');
});

async function post(route: string, body: unknown): Promise<any> {
	const response = await fetch(`${base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return route === '/v1/chat/completions' && (body as { stream?: boolean }).stream ? response.text() : response.json();
}

function sseData(text: string): any[] {
	return text
		.split('\n\n')
		.filter((event) => event.startsWith('data: ') && event !== 'data: [DONE]')
		.map((event) => JSON.parse(event.slice(6)));
}

it('lists its model at /v1/models, with GET and with POST', async () => {
	const listed = await (await fetch(`${base}/v1/models`)).json();
	expect(listed).toMatchObject({ object: 'list', data: [{ id: 'brain-1', object: 'model' }] });
	expect(await post('/v1/models', {})).toEqual(listed);
});

it('calls the calculator for arithmetic, with the expression as JSON arguments', async () => {
	const answer = await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'What is (3 + 4) * 12?' }], tools: [WEATHER, CALCULATOR] });
	expect(answer.choices[0]).toEqual({
		index: 0,
		finish_reason: 'tool_calls',
		message: {
			role: 'assistant',
			content: null,
			tool_calls: [{ id: 'call_1_calculator', type: 'function', function: { name: 'calculator', arguments: '{"input":"(3 + 4) * 12"}' } }],
		},
	});
	expect(answer.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
});

it('calls a tool the prompt names, filling the required properties by type', async () => {
	const answer = await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'Get weather for Paris, next 3 days' }], tools: [CALCULATOR, WEATHER] });
	const [call] = answer.choices[0].message.tool_calls;
	expect(call.function.name).toBe('get_weather');
	expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Get weather for Paris, next 3 days', days: 3 });
});

it('answers as before when no offered tool fits, or tool_choice is none', async () => {
	const reply = 'Hello from the sample model server behind Vertex AI invoke! You said: "Tell me a joke"';
	const plain = await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'Tell me a joke' }], tools: [CALCULATOR] });
	expect(plain.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: reply } });
	const none = await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'What is 2 + 2?' }], tools: [CALCULATOR], tool_choice: 'none' });
	expect(none.choices[0].finish_reason).toBe('stop');
});

it('streams a tool call: the id and name first, then the arguments in pieces, finish_reason tool_calls, usage', async () => {
	const events = sseData(await post('/v1/chat/completions', { stream: true, messages: [{ role: 'user', content: 'What is 12 * 7?' }], tools: [CALCULATOR] }));
	expect(events[0].choices[0].delta.tool_calls).toEqual([{ index: 0, id: 'call_1_calculator', type: 'function', function: { name: 'calculator', arguments: '' } }]);
	const pieces = events.slice(1).flatMap((event) => event.choices[0]?.delta.tool_calls ?? []).map((call: any) => call.function.arguments);
	expect(pieces.length).toBeGreaterThan(1);
	expect(pieces.join('')).toBe('{"input":"12 * 7"}');
	expect(events.at(-2).choices[0].finish_reason).toBe('tool_calls');
	expect(events.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5 } });
});

it('after a tool result, answers with it (JSON mode wraps the text)', async () => {
	const messages = [
		{ role: 'user', content: 'What is 12 * 7?' },
		{ role: 'assistant', content: null, tool_calls: [{ id: 'call_1_calculator', type: 'function', function: { name: 'calculator', arguments: '{"input":"12 * 7"}' } }] },
		{ role: 'tool', tool_call_id: 'call_1_calculator', content: '84' },
	];
	const answer = await post('/v1/chat/completions', { messages, tools: [CALCULATOR] });
	expect(answer.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'The calculator tool returned: 84' } });
	const json = await post('/v1/chat/completions', { messages, tools: [CALCULATOR], response_format: { type: 'json_object' } });
	expect(JSON.parse(json.choices[0].message.content)).toEqual({ reply: 'The calculator tool returned: 84' });
});

it('gives deterministic unit vectors at /v1/embeddings, as floats or base64', async () => {
	const first = await post('/v1/embeddings', { input: ['a b', 'c'], dimensions: 4 });
	expect(first).toMatchObject({ object: 'list', model: 'brain-1', usage: { prompt_tokens: 3, total_tokens: 3 } });
	expect(first.data.map((entry: any) => entry.index)).toEqual([0, 1]);
	const vector: number[] = first.data[0].embedding;
	expect(vector).toHaveLength(4);
	expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
	expect((await post('/v1/embeddings', { input: 'a b', dimensions: 4 })).data[0].embedding).toEqual(vector);
	expect(first.data[1].embedding).not.toEqual(vector);
	expect((await post('/v1/embeddings', { input: 'a b' })).data[0].embedding).toHaveLength(8);
	const base64 = await post('/v1/embeddings', { input: 'a b', dimensions: 4, encoding_format: 'base64' });
	const floats = new Float32Array(new Uint8Array(Buffer.from(base64.data[0].embedding, 'base64')).buffer);
	expect(Array.from(floats).map((value) => value.toFixed(5))).toEqual(vector.map((value) => value.toFixed(5)));
	expect((await post('/v1/embeddings', { input: [] })).error.type).toBe('invalid_request_error');
});

it('calls every tool the prompt names in one message (parallel tool calls), or only the first with parallel_tool_calls false', async () => {
	const messages = [{ role: 'user', content: 'Ask the calculator and get weather: 12 * 7' }];
	const answer = await post('/v1/chat/completions', { messages, tools: [CALCULATOR, WEATHER] });
	expect(answer.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: null } });
	expect(answer.choices[0].message.tool_calls).toEqual([
		{ id: 'call_1_calculator', type: 'function', function: { name: 'calculator', arguments: '{"input":"12 * 7"}' } },
		{ id: 'call_1_get_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"12 * 7","days":12}' } },
	]);
	const single = await post('/v1/chat/completions', { messages, tools: [CALCULATOR, WEATHER], parallel_tool_calls: false });
	expect(single.choices[0].message.tool_calls.map((call: any) => call.function.name)).toEqual(['calculator']);
});

it('streams parallel tool calls apart by index: each call opens with its id and name, then its arguments', async () => {
	const messages = [{ role: 'user', content: 'Ask the calculator and get weather: 12 * 7' }];
	const events = sseData(await post('/v1/chat/completions', { stream: true, messages, tools: [CALCULATOR, WEATHER] }));
	const deltas = events.flatMap((event) => event.choices[0]?.delta.tool_calls ?? []);
	const byIndex = (index: number) => deltas.filter((call: any) => call.index === index);
	expect(byIndex(0)[0]).toEqual({ index: 0, id: 'call_1_calculator', type: 'function', function: { name: 'calculator', arguments: '' } });
	expect(byIndex(1)[0]).toEqual({ index: 1, id: 'call_1_get_weather', type: 'function', function: { name: 'get_weather', arguments: '' } });
	expect(byIndex(0).map((call: any) => call.function.arguments).join('')).toBe('{"input":"12 * 7"}');
	expect(byIndex(1).map((call: any) => call.function.arguments).join('')).toBe('{"city":"12 * 7","days":12}');
	// All of the first call's pieces come before the second call opens.
	expect(deltas.findIndex((call: any) => call.index === 1)).toBe(byIndex(0).length);
	expect(events.at(-2).choices[0].finish_reason).toBe('tool_calls');
});

it('calls the tool a system message names as spelled, filling nested objects from the schema; answers after tool results from several calls', async () => {
	const format = {
		type: 'function',
		function: {
			name: 'format_final_json_response',
			description: 'Formats the final answer.',
			parameters: {
				type: 'object',
				properties: { output: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'number' }, tags: { type: 'array', items: { type: 'boolean' } } }, required: ['city', 'population', 'tags'] } },
				required: ['output'],
			},
		},
	};
	const messages = [
		{ role: 'system', content: 'You MUST use the `format_final_json_response` tool for your answer.' },
		{ role: 'user', content: 'Paris has 2100000 inhabitants' },
	];
	const answer = await post('/v1/chat/completions', { messages, tools: [WEATHER, format] });
	const [call] = answer.choices[0].message.tool_calls;
	expect(call.function.name).toBe('format_final_json_response');
	expect(JSON.parse(call.function.arguments)).toEqual({ output: { city: 'Paris has 2100000 inhabitants', population: 2100000, tags: [true] } });
	// A system message naming a tool in other words (capitalised) does not choose it.
	const plain = await post('/v1/chat/completions', { messages: [{ role: 'system', content: 'Use the Calculator.' }, { role: 'user', content: 'Hello' }], tools: [CALCULATOR] });
	expect(plain.choices[0].finish_reason).toBe('stop');
	const results: Array<{ role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }> = [
		{ role: 'user', content: 'x' },
		{ role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'calculator', arguments: '{}' } }, { id: 'b', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
		{ role: 'tool', tool_call_id: 'a', content: '84' },
		{ role: 'tool', tool_call_id: 'b', content: 'sunny' },
	];
	const final = await post('/v1/chat/completions', { messages: results, tools: [CALCULATOR, WEATHER] });
	expect(final.choices[0].message.content).toBe('The calculator tool returned: 84 The get_weather tool returned: sunny');
	// The same calls sent back as n8n's agent does: one assistant message per call, each followed by its result.
	const [first, second] = results[1].tool_calls!;
	const oneByOne = [results[0], { role: 'assistant', content: null, tool_calls: [first] }, results[2], { role: 'assistant', content: null, tool_calls: [second] }, results[3]];
	expect((await post('/v1/chat/completions', { messages: oneByOne, tools: [CALCULATOR, WEATHER] })).choices[0].message.content).toBe(
		'The calculator tool returned: 84 The get_weather tool returned: sunny',
	);
	// A result before the last user message belongs to an earlier question.
	const later = [...oneByOne, { role: 'assistant', content: 'done' }, { role: 'user', content: 'and the weather?' }, { role: 'assistant', content: null, tool_calls: [second] }, results[3]];
	expect((await post('/v1/chat/completions', { messages: later, tools: [CALCULATOR, WEATHER] })).choices[0].message.content).toBe('The get_weather tool returned: sunny');
});

it('embeds by words: a question is nearest to the text it shares words with, whatever the word order and case', async () => {
	const texts = ['The Eiffel Tower stands in Paris', 'Photosynthesis turns light into sugar', 'Invoke streams tokens from your model'];
	const query = 'where does the eiffel tower stand? paris';
	const { data } = await post('/v1/embeddings', { input: [...texts, query, 'Paris in stands Tower Eiffel The'], dimensions: 256 });
	const vectors: number[][] = data.map((entry: any) => entry.embedding);
	const cosine = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i], 0);
	const scores = texts.map((_, i) => cosine(vectors[3], vectors[i]));
	expect(scores.indexOf(Math.max(...scores))).toBe(0);
	expect(scores[0]).toBeGreaterThan(0.5);
	expect(cosine(vectors[0], vectors[4])).toBeCloseTo(1, 10);
	// No word at all: still a unit vector, from the whole text.
	const [punctuation] = (await post('/v1/embeddings', { input: '?!', dimensions: 16 })).data;
	expect(Math.hypot(...punctuation.embedding)).toBeCloseTo(1, 10);
});

/** LangChain's StructuredOutputParser instructions as n8n's chains send them (@langchain/classic output_parsers/structured.js). */
function formatInstructions(schema: unknown): string {
	return `You must format your output as a JSON value that adheres to a given "JSON Schema" instance.

"JSON Schema" is a declarative language that allows you to annotate and validate JSON documents.

For example, the example "JSON Schema" instance {{"properties": {{"foo": {{"description": "a list of test words", "type": "array", "items": {{"type": "string"}}}}}}, "required": ["foo"]}}}}
would match an object with one required property, "foo".

Here is the JSON Schema instance your output must adhere to. Include the enclosing markdown codeblock:
\`\`\`json
${JSON.stringify(schema)}
\`\`\`
`;
}

/** The JSON inside an answer's ```json block. */
function fencedJson(content: string): unknown {
	const match = /^```json\n([\s\S]*)\n```$/.exec(content);
	if (!match) throw new Error(`not a json block: ${content}`);
	return JSON.parse(match[1]);
}

const PERSON = {
	type: 'object',
	properties: { name: { type: 'string' }, age: { type: 'number' }, city: { type: 'string', description: 'Where the person lives' }, retired: { type: 'boolean' } },
	required: ['name'],
};

it('answers format instructions in a system message with JSON for their schema: labelled values, typed, every property', async () => {
	const messages = [
		{ role: 'system', content: `You are an expert extraction algorithm.\n${formatInstructions(PERSON)}` },
		{ role: 'user', content: 'Name: Ada Lovelace. Age: 36, city is London; retired: no.' },
	];
	const answer = await post('/v1/chat/completions', { messages });
	expect(answer.choices[0].finish_reason).toBe('stop');
	expect(fencedJson(answer.choices[0].message.content)).toEqual({ name: 'Ada Lovelace', age: 36, city: 'London', retired: false });
	// Streamed, the pieces join to the same block; in JSON mode the value comes bare.
	const streamed = sseData(await post('/v1/chat/completions', { messages, stream: true }));
	expect(fencedJson(streamed.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join(''))).toEqual({ name: 'Ada Lovelace', age: 36, city: 'London', retired: false });
	const bare = await post('/v1/chat/completions', { messages, response_format: { type: 'json_object' } });
	expect(JSON.parse(bare.choices[0].message.content)).toMatchObject({ name: 'Ada Lovelace' });
});

it('classifies by the words of the text: booleans true for the properties it names, enums the value it holds, numbers kept in range', async () => {
	const categories = { type: 'object', properties: { billing: { type: 'boolean' }, technical_problem: { type: 'boolean' } }, required: ['billing', 'technical_problem'] };
	const classify = async (text: string) =>
		fencedJson((await post('/v1/chat/completions', { messages: [{ role: 'system', content: `Classify.\n${formatInstructions(categories)}` }, { role: 'user', content: text }] })).choices[0].message.content);
	expect(await classify('Why does my billing statement show two charges?')).toEqual({ billing: true, technical_problem: false });
	expect(await classify('A technical problem: the app crashes at login.')).toEqual({ billing: false, technical_problem: true });
	const sentiment = {
		type: 'object',
		properties: { sentiment: { type: 'string', enum: ['Positive', 'Neutral', 'Negative'] }, strength: { type: 'number', minimum: 0, maximum: 1 }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
	};
	const rate = async (text: string) =>
		fencedJson((await post('/v1/chat/completions', { messages: [{ role: 'system', content: formatInstructions(sentiment) }, { role: 'user', content: text }] })).choices[0].message.content);
	expect(await rate('Negative: the parcel came broken, 5 days late.')).toEqual({ sentiment: 'Negative', strength: 1, confidence: 1 });
	expect(await rate('Nothing to say.')).toEqual({ sentiment: 'Positive', strength: 0, confidence: 0 });
});

it("reads the Basic LLM Chain's prompt without the instructions appended to it; nested objects are filled the same way", async () => {
	const wrapped = { type: 'object', properties: { output: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'number' } } } }, required: ['output'] };
	const answer = await post('/v1/chat/completions', { messages: [{ role: 'user', content: `City: Paris. Population: 2100000.\n${formatInstructions(wrapped)}` }] });
	expect(fencedJson(answer.choices[0].message.content)).toEqual({ output: { city: 'Paris', population: 2100000 } });
	// Offered tools come first: the instructions are answered only when no tool is called.
	const tooled = await post('/v1/chat/completions', { messages: [{ role: 'user', content: `What is 12 * 7?\n${formatInstructions(wrapped)}` }], tools: [CALCULATOR] });
	expect(tooled.choices[0].finish_reason).toBe('tool_calls');
});

it("answers a retrieval prompt from its context: what follows Context: in the system message", async () => {
	const system = 'Use the following pieces of retrieved context to answer the question.\n----------------\nContext: The Eiffel Tower stands in Paris.\n\nParis is in France.';
	const answer = await post('/v1/chat/completions', { messages: [{ role: 'system', content: system }, { role: 'user', content: 'Where does the Eiffel Tower stand?' }] });
	expect(answer.choices[0].message.content).toBe('From the context: The Eiffel Tower stands in Paris.\n\nParis is in France.');
	// Without a context, the usual reply.
	const plain = await post('/v1/chat/completions', { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
	expect(plain.choices[0].message.content).toBe('Hello from the sample model server behind Vertex AI invoke! You said: "Hi"');
});
