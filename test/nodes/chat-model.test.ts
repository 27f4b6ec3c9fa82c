/**
 * The Vertex AI Chat Model sub-node through n8n-core's engine: a root node of the test (as an AI Agent or chain
 * is) takes the model from its ai_languageModel input, so n8n-core itself calls the sub-node's supplyData. The
 * model answers, streams and calls tools against the emulator's sample model server, with usage, and every
 * request goes through the core client's invoke (so its token is fetched per request, not frozen).
 */
import { generateKeyPairSync } from 'node:crypto';

import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
} from 'n8n-workflow';

import { VertexAiChatModel } from '../../nodes/VertexAiChatModel/VertexAiChatModel.node';
import type { WorkflowRunResult } from '../harness/n8n-engine';
import { refusedOptions } from './description-ranges';
import { PACKAGE, deployModel, emulatorWithCredential, locator, probeDescription, runSubNode, type DeployedModel, type NodeEnv } from './support';

const CHAT_MODEL = `${PACKAGE}.vertexAiChatModel`;
const PROBE = 'test.modelProbe';

const CALCULATOR = {
	type: 'function',
	function: {
		name: 'calculator',
		description: 'Useful for getting the result of a math expression.',
		parameters: { type: 'object', properties: { input: { type: 'string' } } },
	},
};

/**
 * What an agent does with a chat model, one call style per `mode`: invoke, stream, or two rounds with a tool
 * (the tool "answers" 84). The model is whatever n8n-core's getInputConnectionData gives: the sub-node's.
 */
class ModelProbe implements INodeType {
	description = probeDescription('Model Probe', 'modelProbe', 'Calls the connected chat model', NodeConnectionTypes.AiLanguageModel, [
		{ displayName: 'Mode', name: 'mode', type: 'string', default: 'invoke' },
		{ displayName: 'Prompt', name: 'prompt', type: 'string', default: 'Say hello' },
	]);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const model = (await this.getInputConnectionData(NodeConnectionTypes.AiLanguageModel, 0)) as any;
		const mode = this.getNodeParameter('mode', 0) as string;
		const prompt = this.getNodeParameter('prompt', 0) as string;
		const signal = this.getExecutionCancelSignal();
		const summary = (message: any) => ({
			text: message.text,
			toolCalls: message.tool_calls ?? [],
			usage: message.usage_metadata ?? null,
			metadata: message.response_metadata ?? {},
		});
		const streamed = async (target: any, input: unknown) => {
			const pieces: string[] = [];
			let whole: any;
			for await (const chunk of await target.stream(input, { signal })) {
				if (chunk.text) pieces.push(chunk.text);
				whole = whole ? whole.concat(chunk) : chunk;
			}
			return { ...summary(whole), pieces };
		};
		let json: IDataObject;
		if (mode === 'invoke') json = summary(await model.invoke(prompt, { signal }));
		else if (mode === 'stream') json = await streamed(model, prompt);
		else {
			const withTools = model.bindTools([CALCULATOR]);
			const call = mode === 'tools-stream' ? streamed : async (target: any, input: unknown) => summary(await target.invoke(input, { signal }));
			const first = await call(withTools, prompt);
			const firstMessage = { role: 'assistant', content: '', tool_calls: first.toolCalls };
			const results = first.toolCalls.map((toolCall: { id: string }) => ({ role: 'tool', content: '84', tool_call_id: toolCall.id }));
			const second = first.toolCalls.length > 0 ? await call(withTools, [{ role: 'user', content: prompt }, firstMessage, ...results]) : null;
			json = { first, second } as IDataObject;
		}
		return [[{ json, pairedItem: { item: 0 } }]];
	}
}

let env: NodeEnv;
let sample: DeployedModel;

beforeAll(async () => {
	env = await emulatorWithCredential({ tokenLifetimeSeconds: 2 });
	sample = await deployModel(env, { modelId: 'brain-model', endpointId: 'brain-endpoint' }, { upload: { args: ['--model-name=brain-1'] } });
}, 60_000);

afterAll(async () => {
	await env?.close();
});

beforeEach(() => {
	env.emulator.clearFaults();
});

async function probe(probeParameters: IDataObject, modelParameters: IDataObject = {}, credential = env.credential): Promise<WorkflowRunResult> {
	return await runSubNode(env, {
		connection: NodeConnectionTypes.AiLanguageModel,
		probe: { type: PROBE, nodeType: ModelProbe, parameters: probeParameters as INodeParameters },
		subNode: { name: 'Chat Model', type: CHAT_MODEL, nodeType: VertexAiChatModel, parameters: { endpoint: locator(sample.endpointId), ...modelParameters } },
		credential,
	});
}

function output(result: WorkflowRunResult): any {
	if (result.error) throw new Error(`${result.error.message} ${result.error.description ?? ''}`);
	return result.lastNodeJson('Probe')[0];
}

/** Paths the emulator forwarded to the model server since `since` entries, e.g. "/v1/chat/completions". */
function forwardedRoutes(since: number): string[] {
	return env.emulator
		.requestLog('forwarded')
		.slice(since)
		.map((entry) => entry.path.replace(/^.*\/invoke/, ''));
}

const REPLY = 'Hello from the sample model server behind Vertex AI invoke! You said: "Say hello"';

it('answers: the first model /v1/models lists is sent, the usage is reported to the agent and in the run data', async () => {
	const before = env.emulator.requestLog('forwarded').length;
	const result = await probe({ mode: 'invoke' });
	const answer = output(result);
	expect(answer.text).toBe(REPLY);
	expect(answer.usage).toMatchObject({ input_tokens: 2, output_tokens: 14, total_tokens: 16 });
	expect(answer.metadata).toMatchObject({ servedModel: 'brain-1', deployedModelId: sample.deployedModelId });
	expect(forwardedRoutes(before)).toEqual(['/v1/models', '/v1/chat/completions']);
	// n8n's tracing records the sub-node's call on its own run data, with the server's token usage.
	const modelRun = result.runData['Chat Model']?.[0]?.data?.[NodeConnectionTypes.AiLanguageModel]?.[0]?.[0]?.json as IDataObject;
	expect(modelRun.tokenUsage).toEqual({ promptTokens: 2, completionTokens: 14, totalTokens: 16 });
});

it('streams: the answer comes as several text chunks, then usage', async () => {
	const answer = output(await probe({ mode: 'stream' }));
	expect(answer.pieces.length).toBeGreaterThan(5);
	expect(answer.pieces.join('')).toBe(REPLY);
	expect(answer.usage).toMatchObject({ input_tokens: 2, output_tokens: 14 });
});

it.each(['tools', 'tools-stream'])('calls a tool and answers with its result (%s)', async (mode) => {
	const before = env.emulator.requestLog('forwarded').length;
	const { first, second } = output(await probe({ mode, prompt: 'What is 12 * 7?' }));
	expect(first.toolCalls).toEqual([expect.objectContaining({ name: 'calculator', args: { input: '12 * 7' }, id: 'call_1_calculator' })]);
	expect(second.text).toBe('The calculator tool returned: 84');
	expect(forwardedRoutes(before).filter((route) => route === '/v1/chat/completions')).toHaveLength(2);
});

it('with streaming off, stream() sends one plain request and passes the whole answer on', async () => {
	const answer = output(await probe({ mode: 'stream' }, { options: { streaming: false } }));
	expect(answer.pieces).toEqual([REPLY]);
});

it('sends a typed model name, the options, JSON mode and extra body fields', async () => {
	const answer = output(
		await probe(
			{ mode: 'invoke' },
			{ modelSource: 'name', model: 'my-llm', options: { responseFormat: 'json_object', temperature: 0.2, maxTokens: 64, extraBody: '{"chunks": 2}' } },
		),
	);
	// The sample server answers "chunks" with filler text, and wraps it for JSON mode.
	expect(JSON.parse(answer.text)).toEqual({ reply: 'tok0 toktok1 tok' });
	expect(answer.metadata.servedModel).toBe('my-llm');
});

it('fetches a token per request: a 2-second token expires between two calls of one run, and both are answered', async () => {
	const minted = env.emulator.tokensMinted();
	const result = await probe({ mode: 'tools', prompt: 'What is 12 * 7?' });
	expect(output(result).second.text).toBe('The calculator tool returned: 84');
	await new Promise((resolve) => setTimeout(resolve, 2200));
	expect(output(await probe({ mode: 'invoke' })).text).toBe(REPLY);
	expect(env.emulator.tokensMinted()).toBeGreaterThan(minted + 1);
});

it('pins one deployed model when asked: its deployedModels/{id}/invoke route answers, an unknown id is a 404', async () => {
	expect(output(await probe({ mode: 'invoke' }, { target: 'deployedModel', deployedModel: locator(sample.deployedModelId) })).text).toBe(REPLY);
	const before = env.emulator.requestLog('rejected').length;
	const unknown = await probe({ mode: 'invoke' }, { target: 'deployedModel', deployedModel: locator('1234567890'), modelSource: 'none' });
	expect(unknown.status).toBe('error');
	expect(unknown.error).toMatchObject({ description: expect.stringContaining('NOT_FOUND'), httpCode: '404' });
	expect(unknown.error?.message).toContain('Deployed model 1234567890 not found');
	const [entry] = env.emulator.requestLog('rejected').slice(before);
	expect(entry).toMatchObject({ status: 404 });
	expect(entry.path).toContain('/deployedModels/1234567890/invoke/v1/chat/completions');
});

it('retries a 503 (Max Retries), and with none reports the status', async () => {
	env.emulator.addFault({ kind: 'unavailable', path: '/invoke/v1/chat/completions$', count: 1 });
	expect(output(await probe({ mode: 'invoke' })).text).toBe(REPLY);
	env.emulator.addFault({ kind: 'unavailable', path: '/invoke/v1/chat/completions$', count: 1 });
	const failed = await probe({ mode: 'invoke' }, { options: { maxRetries: 0 } });
	expect(failed.status).toBe('error');
	expect(failed.error?.description).toMatch(/503|unavailable/i);
});

it('refuses bad parameters before any request, naming the parameter', async () => {
	const before = env.emulator.requestLog().length;
	const bad = await probe({ mode: 'invoke' }, { options: { extraBody: '{"messages": []}' } });
	expect(bad.status).toBe('error');
	// n8n-core reports a failing sub-node as "Error in sub-node <name>", with the sub-node's message as description.
	expect(bad.error?.message).toBe('Error in sub-node Chat Model');
	expect(bad.error?.description).toContain('"Extra Body Fields" in "Options" cannot set messages');
	const prefix = await probe({ mode: 'invoke' }, { routePrefix: 'v1' });
	expect(prefix.error?.description).toContain('"Route Prefix" must be a path starting with "/"');
	expect(env.emulator.requestLog().length).toBe(before);
});

it('checks the endpoint, the deployed model and the model name as the description says, before any request', async () => {
	const before = env.emulator.requestLog().length;
	const description = new VertexAiChatModel().description;
	const byIdRule = (name: string) => {
		const byId = description.properties.find((property) => property.name === name)?.modes?.find((mode) => mode.name === 'id');
		return (byId?.validation?.[0] as unknown as { properties: { errorMessage: string } }).properties.errorMessage;
	};
	const endpoint = await probe({ mode: 'invoke' }, { endpoint: locator('Not An Id') });
	expect(endpoint.error?.description).toContain(`"Endpoint": ${byIdRule('endpoint')} (it is "Not An Id")`);
	const pinned = await probe({ mode: 'invoke' }, { target: 'deployedModel', deployedModel: locator('latest') });
	expect(pinned.error?.description).toContain(`"Deployed Model": ${byIdRule('deployedModel')} (it is "latest")`);
	const named = await probe({ mode: 'invoke' }, { modelSource: 'name', model: '  ' });
	expect(named.error?.description).toContain('"Model" is required.');
	const source = await probe({ mode: 'invoke' }, { modelSource: 'guess' });
	expect(source.error?.description).toContain('"Model Name" must be one of: server, name, none (it is "guess")');
	expect(env.emulator.requestLog().length).toBe(before);
});

it.each(refusedOptions(new VertexAiChatModel().description).map((refused) => [refused.name, refused.value, refused]))(
	'refuses Options %s = %p before any request, with the label and range of the description',
	async (name, value, { refusal }) => {
		const before = env.emulator.requestLog().length;
		const result = await probe({ mode: 'invoke' }, { options: { [name]: value } });
		expect(result.status).toBe('error');
		expect(result.error?.description).toContain(refusal);
		expect(env.emulator.requestLog().length).toBe(before);
	},
);

it('a credential field that is not usable fails the sub-node naming the field, quoting nothing, sending nothing', async () => {
	const before = env.emulator.requestLog().length;
	// A key made for this test only, in JSON cut short: the credential cannot be read, and the key must not be quoted.
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
	const result = await probe({ mode: 'invoke' }, {}, { ...env.credential, serviceAccountJson: `{"private_key": ${JSON.stringify(pem)}` });
	expect(result.status).toBe('error');
	expect(result.error?.description).toContain('Service Account');
	expect(result.error?.description).not.toContain('BEGIN PRIVATE KEY');
	expect(`${result.error?.message} ${result.error?.description}`).not.toContain(pem.split('\n')[1]);
	expect(env.emulator.requestLog().length).toBe(before);
});
