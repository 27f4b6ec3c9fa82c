import { supplyModel } from '@n8n/ai-node-sdk';
import {
	NodeConnectionTypes,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type ISupplyDataFunctions,
	type SupplyData,
} from 'n8n-workflow';

import { sharedMethods } from '../shared/methods';
import { maxRetriesOption, modelNameProperties, targetProperties, timeoutOption } from '../shared/openAi';
import { parameterReader } from '../shared/read';
import { extraBodyOf, readSubNodeItem, sentNumber } from '../shared/subNode';
import { commaList } from '../shared/values';
import { VertexInvokeChatModel, type MaxTokensField } from './model';
import { logReasoning } from './reasoningLog';
import { offerStructuredOutput, type StructuredOutputMethod } from './structuredOutput';

const properties: INodeProperties[] = [
	{
		displayName:
			'Connect this node to an AI Agent or an AI chain (e.g. Basic LLM Chain). Its model is the one your endpoint serves (vLLM, TGI, SGLang or any OpenAI-compatible server), called through Vertex AI invoke.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	...targetProperties,
	...modelNameProperties('/chat/completions'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Extra Body Fields',
				name: 'extraBody',
				type: 'json',
				default: '{}',
				description:
					'A JSON object merged into every request body after the fields above, e.g. vLLM\'s {"top_k": 20, "repetition_penalty": 1.1, "chat_template_kwargs": {"enable_thinking": false}}. Messages, tools and streaming are set by the node.',
			},
			maxRetriesOption,
			{
				displayName: 'Maximum Number of Tokens',
				name: 'maxTokens',
				type: 'number',
				typeOptions: { minValue: -1, maxValue: Number.MAX_SAFE_INTEGER, numberPrecision: 0 },
				default: -1,
				description: 'The most tokens to generate. -1 sends none: the server decides.',
			},
			{
				// vLLM reads both (ChatCompletionRequest in vllm/entrypoints/openai/protocol.py marks max_tokens deprecated);
				// TGI's ChatRequest (router/src/lib.rs) reads max_tokens only, as do llama.cpp's server and SGLang's
				// older releases; OpenAI's o-series and later models refuse max_tokens and want max_completion_tokens.
				displayName: 'Maximum Tokens Field',
				name: 'maxTokensField',
				type: 'options',
				options: [
					{ name: 'Max_tokens', value: 'max_tokens', description: 'Read by vLLM, TGI, SGLang and llama.cpp' },
					{ name: 'Max_completion_tokens', value: 'max_completion_tokens', description: "OpenAI's current field, read by vLLM and OpenAI's reasoning models" },
				],
				default: 'max_tokens',
				description: 'The request field that carries Maximum Number of Tokens',
			},
			{
				displayName: 'Response Format',
				name: 'responseFormat',
				type: 'options',
				options: [
					{ name: 'Text', value: 'text', description: 'Regular text answers' },
					{ name: 'JSON', value: 'json_object', description: 'Ask for a JSON object (response_format json_object); say so in the prompt too' },
				],
				default: 'text',
				description: 'The format the model answers in',
			},
			{
				displayName: 'Sampling Temperature',
				name: 'temperature',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
				default: 0.7,
				description: 'Randomness of the answers: lower is more deterministic',
			},
			{
				displayName: 'Stop Sequences',
				name: 'stop',
				type: 'string',
				default: '',
				placeholder: 'e.g. </answer>, Observation:',
				description: 'Comma-separated sequences at which the model stops generating',
			},
			{
				displayName: 'Stream Answers',
				name: 'streaming',
				type: 'boolean',
				default: true,
				description:
					'Whether to ask the server for a streamed answer when the agent or chain streams (a Chat Trigger or a Webhook in streaming mode). Off: one request, the whole answer passed on at once.',
			},
			{
				displayName: 'Structured Output',
				name: 'structuredOutput',
				type: 'options',
				options: [
					{
						name: 'Tool Calling',
						value: 'functionCalling',
						description: 'The schema as a tool the model must call (tool_choice): vLLM (guided decoding), TGI, SGLang',
					},
					{
						name: 'JSON Schema',
						value: 'jsonSchema',
						description: 'Response_format json_schema: vLLM and SGLang structured outputs, llama.cpp',
					},
				],
				default: 'functionCalling',
				description: 'How a chain that asks for a structured answer (withStructuredOutput) holds the model to its schema, unless it names a method',
			},
			timeoutOption,
			{
				displayName: 'Top P',
				name: 'topP',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: 1,
				description: 'Nucleus sampling: only the tokens within this probability mass are considered',
			},
		],
	},
];

export class VertexAiChatModel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vertex AI Chat Model',
		name: 'vertexAiChatModel',
		icon: { light: 'file:../shared/vertexAi.svg', dark: 'file:../shared/vertexAi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"invoke " + ($parameter["routePrefix"] || "") + "/chat/completions"}}',
		description:
			'Your own model on a dedicated Vertex AI endpoint (an OpenAI-compatible server such as vLLM, TGI or SGLang behind invoke) as the chat model of an AI Agent or chain',
		defaults: { name: 'Vertex AI Chat Model' },
		inputs: [],
		outputs: [NodeConnectionTypes.AiLanguageModel],
		outputNames: ['Model'],
		credentials: [{ name: 'googleVertexAiApi', required: true, testedBy: 'googleVertexAiCredentialTest' }],
		properties,
	};

	methods = sharedMethods;

	async supplyData(this: ISupplyDataFunctions, itemIndex: number): Promise<SupplyData> {
		const read = parameterReader(this, properties);
		const { target, modelName, toError } = await readSubNodeItem(this, read, itemIndex);
		const stop = commaList(read.text(itemIndex, 'options.stop'));
		const chatModel = new VertexInvokeChatModel(
			{
				target,
				modelName,
				streaming: read.boolean(itemIndex, 'options.streaming'),
				jsonMode: read.option(itemIndex, 'options.responseFormat') === 'json_object',
				maxTokensField: read.option(itemIndex, 'options.maxTokensField') as MaxTokensField,
				extraBody: extraBodyOf(read, itemIndex, ['messages', 'tools', 'stream', 'stream_options']),
				toError,
			},
			{
				temperature: sentNumber(read, itemIndex, 'options.temperature'),
				topP: sentNumber(read, itemIndex, 'options.topP'),
				// -1 (the default) sends none: the server decides.
				maxTokens: sentNumber(read, itemIndex, 'options.maxTokens', 0),
				stopSequences: stop.length > 0 ? stop : undefined,
			},
		);
		const supplied = supplyModel(this, chatModel);
		logReasoning(supplied.response);
		offerStructuredOutput(supplied.response, read.option(itemIndex, 'options.structuredOutput') as StructuredOutputMethod);
		return supplied;
	}
}
