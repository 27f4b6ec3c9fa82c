/**
 * The Vertex AI Chat Model with a reasoning model server, through n8n-core's engine: reasoning reaches n8n as
 * reasoning content (never as answer text) and is kept in n8n's log of the call, the token limit goes in the field the server reads, and
 * `withStructuredOutput` holds the model to a schema by a forced tool call or by `response_format`.
 *
 * Two servers: the sample model server in its vllm-reasoning dialect (vLLM's streamed wire format), and a small
 * vLLM-like server of this test that keeps each request body and answers as vLLM with a reasoning parser and
 * guided decoding does: reasoning in `reasoning_content` (or `reasoning`), a JSON schema in `response_format`
 * answered by a matching object, a tool named in `tool_choice` always called, offered tools otherwise left uncalled.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { NodeConnectionTypes, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeParameters, type INodeType } from 'n8n-workflow';
import { z } from 'zod';

import { VertexAiChatModel } from '../../nodes/VertexAiChatModel/VertexAiChatModel.node';
import { loggedGenerations } from '../harness/model-log';
import type { WorkflowRunResult } from '../harness/n8n-engine';
import { PACKAGE, deployModel, emulatorWithCredential, locator, probeDescription, runSubNode, type DeployedModel, type NodeEnv } from './support';

const CHAT_MODEL = `${PACKAGE}.vertexAiChatModel`;
const PROBE = 'test.reasoningProbe';
const VLLM_IMAGE = 'us-docker.pkg.dev/test/vllm-like:latest';

const THINKING = 'The user wants a person. Ada fits.';
const ANSWER = 'Ada Lovelace, 36.';
const AFTERTHOUGHT = ' Checked the dates.';

type Json = Record<string, unknown>;

/** A value for each property of a JSON schema, as guided decoding would produce one. */
function objectFor(schema: Json): Json {
	const properties = (schema.properties ?? {}) as Record<string, Json>;
	return Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, property.type === 'number' || property.type === 'integer' ? 36 : 'Ada']));
}

let vllmServer: http.Server;
const bodies: Json[] = [];

function vllmAnswer(body: Json): Json {
	const format = body.response_format as Json | undefined;
	const forced = (body.tool_choice as Json | undefined)?.function as Json | undefined;
	const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
	const tool = forced ? tools.find((offered) => (offered.function as Json).name === forced.name) : undefined;
	if (tool) {
		const fn = tool.function as Json;
		const call = { id: 'call_0', type: 'function', function: { name: fn.name, arguments: JSON.stringify(objectFor(fn.parameters as Json)) } };
		return { role: 'assistant', content: null, tool_calls: [call] };
	}
	if (format?.type === 'json_schema') return { role: 'assistant', content: JSON.stringify(objectFor((format.json_schema as Json).schema as Json)) };
	return { role: 'assistant', content: ANSWER };
}

async function startVllmLikeServer(): Promise<number> {
	vllmServer = http.createServer((req, res) => {
		if (req.method === 'GET') return void res.writeHead(200).end('ok');
		const parts: Buffer[] = [];
		req.on('data', (part: Buffer) => parts.push(part));
		req.on('end', () => {
			if (!req.url?.endsWith('/chat/completions')) return void res.writeHead(404).end();
			const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Json;
			bodies.push(body);
			const asked = body.test_reasoning_field;
			const field = asked === 'none' ? undefined : asked === 'reasoning' ? 'reasoning' : 'reasoning_content';
			const message = vllmAnswer(body);
			const usage = { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 };
			if (body.stream !== true) {
				const choice = { index: 0, message: field ? { ...message, [field]: THINKING } : message, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' };
				return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'chatcmpl-1', model: 'r1', choices: [choice], usage }));
			}
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			const send = (delta: Json, finish: string | null = null) =>
				res.write(`data: ${JSON.stringify({ id: 'chatcmpl-1', model: 'r1', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
			send({ role: 'assistant', content: '' });
			if (field) for (const word of THINKING.split(/(?<= )/)) send({ [field]: word });
			if (typeof message.content === 'string') for (const word of message.content.split(/(?<= )/)) send({ content: word });
			else send({ tool_calls: (message.tool_calls as Json[]).map((call, index) => ({ index, ...call })) });
			// A model that thinks again after answering (a reasoning delta after the content).
			if (field && body.test_reasoning_after === true) send({ [field]: AFTERTHOUGHT });
			send({}, message.tool_calls ? 'tool_calls' : 'stop');
			res.end(`data: ${JSON.stringify({ id: 'chatcmpl-1', choices: [], usage })}\n\ndata: [DONE]\n\n`);
		});
	});
	await new Promise<void>((resolve) => vllmServer.listen(0, '127.0.0.1', resolve));
	return (vllmServer.address() as AddressInfo).port;
}

const PERSON_JSON_SCHEMA = {
	type: 'object',
	description: 'A person',
	properties: { name: { type: 'string' }, age: { type: 'number' } },
	required: ['name', 'age'],
};

const WEATHER_TOOL = {
	type: 'function',
	function: { name: 'weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

/** Calls the connected model one way per `mode`, and reports what n8n (LangChain) received. */
class ReasoningProbe implements INodeType {
	description = probeDescription('Reasoning Probe', 'reasoningProbe', 'Calls the connected chat model', NodeConnectionTypes.AiLanguageModel, [
		{ displayName: 'Mode', name: 'mode', type: 'string', default: 'invoke' },
		{ displayName: 'Method', name: 'method', type: 'string', default: '' },
		{ displayName: 'Schema', name: 'schema', type: 'string', default: 'json' },
	]);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const model = (await this.getInputConnectionData(NodeConnectionTypes.AiLanguageModel, 0)) as any;
		const mode = this.getNodeParameter('mode', 0) as string;
		const signal = this.getExecutionCancelSignal();
		const prompt = 'Who wrote the first program?';
		const summary = (message: any) => ({
			text: message.text,
			reasoning: message.contentBlocks.filter((block: any) => block.type === 'reasoning').map((block: any) => block.reasoning),
			toolCalls: message.tool_calls ?? [],
		});
		let json: IDataObject;
		if (mode === 'invoke') json = summary(await model.invoke(prompt, { signal }));
		// As inside an agent whose events are streamed: a handler preferring streaming makes invoke stream.
		else if (mode === 'invoke-streaming') json = summary(await model.invoke(prompt, { signal, callbacks: [{ lc_prefer_streaming: true }] }));
		else if (mode === 'stream') {
			let whole: any;
			const texts: string[] = [];
			for await (const chunk of await model.stream(prompt, { signal })) {
				texts.push(chunk.text);
				whole = whole ? whole.concat(chunk) : chunk;
			}
			json = { ...summary(whole), texts };
		} else {
			const method = (this.getNodeParameter('method', 0) as string) || undefined;
			const schema = this.getNodeParameter('schema', 0) === 'zod' ? z.object({ name: z.string(), age: z.number() }).describe('A person') : PERSON_JSON_SCHEMA;
			const options = { name: 'person', ...(method ? { method } : {}) };
			if (mode === 'toolsThenStructured') {
				// Tools bound first: the structured runnable asks for the schema alone, as ChatOpenAI's does.
				json = { parsed: await model.bindTools([WEATHER_TOOL]).withStructuredOutput(schema, options).invoke(prompt, { signal }) };
			} else if (mode === 'structuredThenTools') {
				// Structured output made first, tools bound after: each runnable keeps its own request.
				const structured = model.withStructuredOutput(schema, options);
				const withTools = model.bindTools([WEATHER_TOOL]);
				const parsed = await structured.invoke(prompt, { signal });
				json = { parsed, text: (await withTools.invoke(prompt, { signal })).text };
			} else json = { parsed: await model.withStructuredOutput(schema, options).invoke(prompt, { signal }) };
		}
		return [[{ json, pairedItem: { item: 0 } }]];
	}
}

let env: NodeEnv;
let vllmLike: DeployedModel;
let sample: DeployedModel;

beforeAll(async () => {
	const port = await startVllmLikeServer();
	env = await emulatorWithCredential({ images: { [VLLM_IMAGE]: `http://127.0.0.1:${port}` } });
	vllmLike = await deployModel(env, { modelId: 'vllm-like-model', endpointId: 'vllm-like-endpoint' }, { upload: { imageUri: VLLM_IMAGE } });
	sample = await deployModel(env, { modelId: 'r1-model', endpointId: 'r1-endpoint' }, { upload: { args: ['--model-name=r1', '--dialect=vllm-reasoning'] } });
}, 60_000);

afterAll(async () => {
	await env?.close();
	await new Promise((resolve) => vllmServer?.close(resolve));
});

async function probe(probeParameters: IDataObject, modelParameters: IDataObject = {}, endpoint = vllmLike.endpointId): Promise<WorkflowRunResult> {
	return await runSubNode(env, {
		connection: NodeConnectionTypes.AiLanguageModel,
		probe: { type: PROBE, nodeType: ReasoningProbe, parameters: probeParameters as INodeParameters },
		subNode: {
			name: 'Chat Model',
			type: CHAT_MODEL,
			nodeType: VertexAiChatModel,
			parameters: { endpoint: locator(endpoint), modelSource: 'none', ...modelParameters },
		},
	});
}

function output(result: WorkflowRunResult): any {
	if (result.error) throw new Error(`${result.error.message} ${result.error.description ?? ''}`);
	return result.lastNodeJson('Probe')[0];
}

const lastBody = () => bodies[bodies.length - 1] as Json;

describe('reasoning', () => {
	it.each(['reasoning_content', 'reasoning'])('a whole answer: %s becomes a reasoning content block, not answer text', async (field) => {
		const answer = output(await probe({ mode: 'invoke' }, { options: { extraBody: JSON.stringify({ test_reasoning_field: field }) } }));
		expect(answer.text).toBe(ANSWER);
		expect(answer.reasoning).toEqual([THINKING]);
	});

	it.each(['reasoning_content', 'reasoning'])('a stream: %s deltas become one reasoning block before the answer, no answer text', async (field) => {
		const answer = output(await probe({ mode: 'stream' }, { options: { extraBody: JSON.stringify({ test_reasoning_field: field }) } }));
		expect(answer.text).toBe(ANSWER);
		expect(answer.reasoning).toEqual([THINKING]);
		expect(answer.texts.join('')).toBe(ANSWER);
	});

	it("the sample model server's vllm-reasoning stream: the thinking is reasoning, the reply is the text", async () => {
		const answer = output(await probe({ mode: 'stream' }, {}, sample.endpointId));
		expect(answer.reasoning).toEqual(['Let me think about this.']);
		expect(answer.text).toContain('Hello from the sample model server');
		expect(answer.text).not.toContain('think');
	});

	it("the sample model server's vllm-reasoning whole answer (message.reasoning_content): reasoning, not text", async () => {
		const answer = output(await probe({ mode: 'invoke' }, {}, sample.endpointId));
		expect(answer.reasoning).toEqual(['Let me think about this.']);
		expect(answer.text).toContain('Hello from the sample model server');
		expect(answer.text).not.toContain('think');
	});

	it('with streaming off, stream() passes the reasoning of the whole answer on as reasoning', async () => {
		const answer = output(await probe({ mode: 'stream' }, { options: { streaming: false } }));
		expect(answer.reasoning).toEqual([THINKING]);
		expect(answer.text).toBe(ANSWER);
	});
});

describe("reasoning in n8n's log of the model call", () => {
	it.each([
		['a whole answer', { mode: 'invoke' }, {}, false],
		['a stream', { mode: 'stream' }, {}, true],
		['a stream with streaming off', { mode: 'stream' }, { options: { streaming: false } }, false],
		['an invoke streamed for a streaming handler', { mode: 'invoke-streaming' }, {}, true],
		['a structured output by a forced tool call (a model bound to tools)', { mode: 'structured' }, {}, false],
	])('%s: the generation n8n logs has the reasoning in generationInfo, the answer text without it', async (_name, probeParameters, modelParameters, streamed) => {
		const result = await probe(probeParameters, modelParameters);
		output(result);
		expect(lastBody().stream === true).toBe(streamed);
		const [logged, ...more] = loggedGenerations(result.runData, 'Chat Model');
		expect(more).toEqual([]);
		expect(logged.generationInfo).toMatchObject({ reasoning: THINKING });
		expect(logged.text).not.toContain('Ada fits');
	});

	it('a stream that reasons again after the answer: the log has all of its reasoning, in order', async () => {
		const result = await probe({ mode: 'stream' }, { options: { extraBody: JSON.stringify({ test_reasoning_after: true }) } });
		expect(output(result).text).toBe(ANSWER);
		expect(loggedGenerations(result.runData, 'Chat Model')[0]).toEqual({ text: ANSWER, generationInfo: expect.objectContaining({ reasoning: THINKING + AFTERTHOUGHT }) });
	});

	it('the answer the caller gets keeps the reasoning out of its text', async () => {
		const result = await probe({ mode: 'stream' });
		expect(output(result).text).toBe(ANSWER);
		expect(loggedGenerations(result.runData, 'Chat Model')[0].text).toBe(ANSWER);
	});

	it('an answer without reasoning logs no reasoning field', async () => {
		const result = await probe({ mode: 'invoke' }, { options: { extraBody: JSON.stringify({ test_reasoning_field: 'none' }) } });
		expect(output(result).text).toBe(ANSWER);
		expect(loggedGenerations(result.runData, 'Chat Model')[0].generationInfo?.reasoning).toBeUndefined();
	});
});

describe('Maximum Tokens Field', () => {
	it('sends max_tokens by default (vLLM, TGI), max_completion_tokens when chosen, never both', async () => {
		output(await probe({ mode: 'invoke' }, { options: { maxTokens: 64 } }));
		expect(lastBody()).toMatchObject({ max_tokens: 64 });
		expect(lastBody()).not.toHaveProperty('max_completion_tokens');
		output(await probe({ mode: 'invoke' }, { options: { maxTokens: 64, maxTokensField: 'max_completion_tokens' } }));
		expect(lastBody()).toMatchObject({ max_completion_tokens: 64 });
		expect(lastBody()).not.toHaveProperty('max_tokens');
	});
});

describe('withStructuredOutput', () => {
	it.each(['json', 'zod'])('by tool calling (the default): the schema (%s) is a tool the model must call by tool_choice', async (schema) => {
		const answer = output(await probe({ mode: 'structured', schema }));
		expect(answer.parsed).toEqual({ name: 'Ada', age: 36 });
		expect(lastBody().tool_choice).toEqual({ type: 'function', function: { name: 'person' } });
		expect(lastBody().tools).toEqual([
			{ type: 'function', function: { name: 'person', description: 'A person', parameters: expect.objectContaining({ properties: PERSON_JSON_SCHEMA.properties }) } },
		]);
		expect(lastBody()).not.toHaveProperty('response_format');
	});

	it.each(['json', 'zod'])('by JSON schema (the node option): response_format json_schema (%s), the answer parsed', async (schema) => {
		const answer = output(await probe({ mode: 'structured', schema }, { options: { structuredOutput: 'jsonSchema' } }));
		expect(answer.parsed).toEqual({ name: 'Ada', age: 36 });
		expect(lastBody().response_format).toEqual({
			type: 'json_schema',
			json_schema: { name: 'person', schema: expect.objectContaining({ properties: PERSON_JSON_SCHEMA.properties }) },
		});
		expect(lastBody()).not.toHaveProperty('tools');
	});

	it('a method the caller names wins over the node option', async () => {
		output(await probe({ mode: 'structured', method: 'functionCalling' }, { options: { structuredOutput: 'jsonSchema' } }));
		expect(lastBody()).toHaveProperty('tool_choice');
		output(await probe({ mode: 'structured', method: 'jsonSchema' }));
		expect(lastBody()).toHaveProperty('response_format.type', 'json_schema');
	});

	it.each(['functionCalling', 'jsonSchema'])('after bindTools (%s): the schema alone is asked for, as ChatOpenAI does, the bound tools left out', async (method) => {
		const answer = output(await probe({ mode: 'toolsThenStructured', method }));
		expect(answer.parsed).toEqual({ name: 'Ada', age: 36 });
		const body = lastBody();
		if (method === 'functionCalling') {
			expect((body.tools as Json[]).map((tool) => (tool.function as Json).name)).toEqual(['person']);
			expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'person' } });
		} else {
			expect(body).toHaveProperty('response_format.type', 'json_schema');
			expect(body).not.toHaveProperty('tools');
		}
	});

	it('bindTools after withStructuredOutput: the structured runnable is unchanged, the tools-bound model asks nothing structured', async () => {
		const before = bodies.length;
		const answer = output(await probe({ mode: 'structuredThenTools' }));
		expect(answer).toEqual({ parsed: { name: 'Ada', age: 36 }, text: ANSWER });
		const [structured, withTools] = bodies.slice(before) as Json[];
		expect((structured.tools as Json[]).map((tool) => (tool.function as Json).name)).toEqual(['person']);
		expect((withTools.tools as Json[]).map((tool) => (tool.function as Json).name)).toEqual(['weather']);
		expect(withTools).not.toHaveProperty('tool_choice');
		expect(withTools).not.toHaveProperty('response_format');
	});

	it('an answer that is not JSON fails naming what came back', async () => {
		// JSON mode without a schema in the prompt: this server answers plain text.
		const result = await probe({ mode: 'structured', method: 'jsonMode' });
		expect(lastBody().response_format).toEqual({ type: 'json_object' });
		expect(result.error?.message).toContain(`not the JSON the schema asks for: it begins "${ANSWER}"`);
	});
});
