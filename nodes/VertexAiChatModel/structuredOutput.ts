import { getParametersJsonSchema, type Tool } from '@n8n/ai-node-sdk';

import { isRecord } from '../shared/openAi';
import { onModelAndBound } from './boundModels';

/**
 * `withStructuredOutput` for the chat model n8n gets from the SDK: LangChain's base implementation knows only tool
 * calling and lets the model choose whether to call the tool. Here both ways a model server can be held to a schema:
 * - `functionCalling`: the schema as the one tool, and `tool_choice` naming it, which vLLM serves by guided decoding
 *   even without `--enable-auto-tool-choice`, and TGI serves as a grammar;
 * - `jsonSchema`: `response_format: {"type": "json_schema", ...}` (vLLM's and SGLang's structured outputs);
 * - `jsonMode`: `response_format: {"type": "json_object"}`, the schema left to the prompt.
 */

export type StructuredOutputMethod = 'functionCalling' | 'jsonSchema';

type Json = Record<string, unknown>;

/** The parts of a LangChain runnable and chat model used here (the SDK's adapter is both). */
interface Runnable {
	pipe(next: (value: unknown) => unknown): Runnable;
	withConfig(config: Json): Runnable;
}
interface LangChainChatModel extends Runnable {
	bindTools(tools: unknown[]): Runnable;
}

interface StructuredOutputConfig {
	name?: string;
	method?: string;
	includeRaw?: boolean;
}

/** An AI message as LangChain gives it: its text (reasoning left out) and its parsed tool calls. */
interface AnswerMessage {
	text?: string;
	tool_calls?: Array<{ name: string; args: unknown }>;
}

function nameOf(schema: unknown, config: StructuredOutputConfig | undefined): string {
	if (config?.name) return config.name;
	if (isRecord(schema) && typeof schema.name === 'string' && schema.name !== '') return schema.name;
	return 'extract';
}

/** A Zod schema (as n8n's nodes pass them) or a JSON schema, as a JSON schema. */
function jsonSchemaOf(schema: unknown, name: string): Json {
	const tool: Tool = { type: 'function', name, inputSchema: schema as Extract<Tool, { type: 'function' }>['inputSchema'] };
	return getParametersJsonSchema(tool) as Json;
}

function descriptionOf(schema: unknown, jsonSchema: Json): string {
	const described = isRecord(schema) && typeof schema.description === 'string' ? schema.description : jsonSchema.description;
	return typeof described === 'string' && described !== '' ? described : 'Answer in this structure.';
}

function parsedText(message: AnswerMessage): unknown {
	const text = (message.text ?? '').trim();
	const notJson = Symbol('not JSON');
	let parsed: unknown = notJson;
	try {
		parsed = JSON.parse(text);
	} catch {
		// reported below, with what came back
	}
	if (parsed === notJson) throw new Error(`The model's answer is not the JSON the schema asks for: it begins "${text.slice(0, 80)}"`);
	return parsed;
}

function parsedToolCall(message: AnswerMessage, name: string): unknown {
	const call = (message.tool_calls ?? []).find((toolCall) => toolCall.name === name);
	if (!call) throw new Error(`The model answered without calling the "${name}" tool that carries the structured output`);
	return call.args;
}

type OfferingModel = LangChainChatModel & { withStructuredOutput?: unknown };

/**
 * Gives `model` (the SDK's LangChain adapter) a `withStructuredOutput` using `defaultMethod` unless a call names one.
 * A model `bindTools` returns offers the same one, asking for the schema alone as ChatOpenAI's does (its structured
 * output sets the request's tools to the schema's tool, or sends only `response_format`): tools bound before would
 * otherwise let the model answer with a call the parser cannot read.
 */
export function offerStructuredOutput(model: unknown, defaultMethod: StructuredOutputMethod): void {
	const chatModel = model as OfferingModel;
	const withStructuredOutput = structuredOutputOf(chatModel, defaultMethod);
	onModelAndBound(chatModel, (offering) => {
		offering.withStructuredOutput = withStructuredOutput;
	});
}

/** `withStructuredOutput` on `chatModel` (the model with no tools bound). */
function structuredOutputOf(chatModel: LangChainChatModel, defaultMethod: StructuredOutputMethod) {
	return (schema: unknown, config?: StructuredOutputConfig): Runnable => {
		const method = config?.method ?? defaultMethod;
		const name = nameOf(schema, config);
		const jsonSchema = jsonSchemaOf(schema, name);
		let bound: Runnable;
		let parse: (message: AnswerMessage) => unknown;
		if (method === 'jsonSchema' || method === 'jsonMode') {
			const format = method === 'jsonMode' ? { type: 'json_object' } : { type: 'json_schema', json_schema: { name, schema: jsonSchema } };
			bound = chatModel.withConfig({ response_format: format });
			parse = parsedText;
		} else if (method === 'functionCalling') {
			const tool = { type: 'function', function: { name, description: descriptionOf(schema, jsonSchema), parameters: jsonSchema } };
			bound = chatModel.bindTools([tool]).withConfig({ tool_choice: { type: 'function', function: { name } } });
			parse = (message) => parsedToolCall(message, name);
		} else {
			throw new Error(`Structured output method "${method}" is not supported: use functionCalling, jsonSchema or jsonMode`);
		}
		return bound.pipe((message) =>
			config?.includeRaw ? { raw: message, parsed: parse(message as AnswerMessage) } : parse(message as AnswerMessage),
		);
	};
}
