/**
 * The Invoke node as an AI tool, through n8n's engine: its tool twin (what n8n makes of a `usableAsTool` node) is
 * connected to a test node that asks the engine for its tools, as an AI Agent or the MCP Server Trigger does, and
 * calls them. The tool has a sensible input without any $fromAI written by hand (a prompt, filled into the JSON
 * Body) and answers with the text of the reply.
 */
import {
	deepCopy,
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { VertexAiInvoke } from '../../nodes/VertexAiInvoke/VertexAiInvoke.node';
import { sourceNode } from '../harness/n8n-engine';
import { PACKAGE, TYPE, deployModel, emulatorWithCredential, expectNoSecrets, locator, runNodes, type NodeEnv } from './support';

/**
 * The tool twin n8n 2.40 builds for a `usableAsTool` node (n8n's `convertNodeToAiTool`, packages/cli
 * tool-generation/ai-tools.ts): the name and display name get "Tool", no inputs, one ai_tool output, and a "Description"
 * parameter for the model.
 */
function toolTwin(NodeClass: new () => INodeType): INodeType {
	const node = new NodeClass();
	const description = deepCopy(node.description) as INodeTypeDescription;
	description.name += 'Tool';
	description.displayName += ' Tool';
	description.inputs = [];
	description.outputs = [NodeConnectionTypes.AiTool];
	delete description.usableAsTool;
	description.properties = [
		{ displayName: 'Description', name: 'toolDescription', type: 'string', default: description.description, required: true },
		...description.properties,
	];
	return Object.assign(Object.create(Object.getPrototypeOf(node) as object) as INodeType, node, { description });
}

interface LangChainTool {
	name: string;
	schema: { shape: Record<string, unknown> };
	invoke(args: IDataObject): Promise<string>;
}

const CALLER_TYPE = 'test.toolCaller';

/** What an agent does with its tools: get them from the engine, then call each with the arguments given. */
class ToolCaller implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tool Caller',
		name: 'toolCaller',
		group: ['transform'],
		version: 1,
		description: 'Calls its connected tools with the arguments given, as an agent would.',
		defaults: { name: 'Tool Caller' },
		inputs: [NodeConnectionTypes.Main, { type: NodeConnectionTypes.AiTool, displayName: 'Tools', required: true }],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Arguments', name: 'args', type: 'json', default: '{}' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const tools = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as LangChainTool[];
		const args = JSON.parse(this.getNodeParameter('args', 0) as string) as IDataObject;
		const results: INodeExecutionData[] = [];
		for (const tool of tools) {
			const answer = await tool.invoke(args);
			results.push({ json: { tool: tool.name, inputs: Object.keys(tool.schema.shape), answer: JSON.parse(answer) as IDataObject } });
		}
		return [results];
	}
}

const INVOKE_TOOL = `${PACKAGE}.vertexAiInvokeTool`;

let env: NodeEnv;
let endpointId: string;

beforeAll(async () => {
	env = await emulatorWithCredential();
	({ endpointId } = await deployModel(env, { modelId: 'tool-model', endpointId: 'tool-endpoint' }));
}, 60_000);

afterAll(async () => {
	await env?.close();
});

/** Runs the Invoke tool twin with `parameters` under the caller, which calls it with `args`. */
async function callTool(parameters: IDataObject, args: IDataObject) {
	const result = await runNodes(env, {
		nodes: [
			sourceNode('Start'),
			{ name: 'Agent', type: CALLER_TYPE, parameters: { args: JSON.stringify(args) } },
			{ name: 'Ask the Model', type: INVOKE_TOOL, parameters: { endpoint: locator(endpointId), ...parameters } },
		],
		connections: {
			Start: { main: [[{ node: 'Agent', type: 'main', index: 0 }]] },
			'Ask the Model': { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
		},
		nodeTypes: { [INVOKE_TOOL]: toolTwin(VertexAiInvoke), [CALLER_TYPE]: ToolCaller },
	});
	return result;
}

describe('Vertex AI Invoke as a tool (its tool twin, as an agent or the MCP Server Trigger uses it)', () => {
	it('offers one input, prompt, without any $fromAI written by hand, and answers with the text of the reply', async () => {
		const result = await callTool({}, { prompt: 'What is Vertex AI?' });
		expect(result.error?.message).toBeUndefined();
		const [called] = result.lastNodeJson('Agent');
		expect(called.tool).toBe('Ask_the_Model');
		expect(called.inputs).toEqual(['prompt']);
		// The default JSON Body streams; as a tool the stream is aggregated to its text, and only the text comes back.
		expect(called.answer).toEqual([{ text: expect.stringContaining('You said: "What is Vertex AI?"') }]);
		await expectNoSecrets(env, result);
	});

	it('fills the prompt into the JSON Body: the last user message of "messages", else a "prompt" field', async () => {
		const chat = await callTool(
			{
				path: '/echo',
				jsonBody: '{"messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"placeholder"}],"temperature":0}',
			},
			{ prompt: 'Hello' },
		);
		expect(chat.error?.message).toBeUndefined();
		// Not a stream: as a tool, the body alone (no status or headers).
		const [echoed] = chat.lastNodeJson('Agent')[0].answer as Array<{ body: { body: string } }>;
		expect(Object.keys(echoed)).toEqual(['body']);
		expect(JSON.parse(echoed.body.body)).toEqual({
			messages: [
				{ role: 'system', content: 'Be brief' },
				{ role: 'user', content: 'Hello' },
			],
			temperature: 0,
		});

		const generate = await callTool({ path: '/echo', jsonBody: '{"chunks": 2}' }, { prompt: 'Write a haiku' });
		const [other] = generate.lastNodeJson('Agent')[0].answer as Array<{ body: { body: string } }>;
		expect(JSON.parse(other.body.body)).toEqual({ chunks: 2, prompt: 'Write a haiku' });
	});

	it('offers the inputs of a JSON Body with its own $fromAI instead (the Prompt field then goes away)', async () => {
		const result = await callTool(
			{
				path: '/echo',
				jsonBody: "={{ JSON.stringify({ question: $fromAI('question', 'What to ask', 'string') }) }}",
			},
			{ question: 'Why?' },
		);
		expect(result.error?.message).toBeUndefined();
		const [called] = result.lastNodeJson('Agent');
		expect(called.inputs).toEqual(['question']);
		const [echoed] = called.answer as Array<{ body: { body: string } }>;
		expect(JSON.parse(echoed.body.body)).toEqual({ question: 'Why?' });
	});

	it('as an ordinary node nothing changes: no prompt is filled in, and the answer keeps its status', async () => {
		const result = await runNodes(env, {
			nodes: [sourceNode('Start'), { name: 'Invoke', type: TYPE.invoke, parameters: { endpoint: locator(endpointId), path: '/echo', jsonBody: '{"a":1}' } }],
			connections: { Start: { main: [[{ node: 'Invoke', type: 'main', index: 0 }]] } },
		});
		expect(result.error?.message).toBeUndefined();
		const [item] = result.lastNodeJson('Invoke');
		expect(item.status).toBe(200);
		expect(JSON.parse((item.body as { body: string }).body)).toEqual({ a: 1 });
	});
});
