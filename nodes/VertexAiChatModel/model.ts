import {
	BaseChatModel,
	getParametersJsonSchema,
	type ChatModelConfig,
	type FinishReason,
	type GenerateResult,
	type Message,
	type MessageContent,
	type StreamChunk,
	type TokenUsage,
	type Tool,
} from '@n8n/ai-node-sdk';

import { isRecord, postJson, type ModelName, type OpenAiTarget } from '../shared/openAi';

/**
 * A chat model (n8n's AI node SDK) whose every request is an OpenAI chat completion sent through the core client's
 * invoke: to the endpoint's dedicated DNS under the client's host policy, with the credential's token fetched per
 * request from its cached auth client (refreshed before it expires), never a token frozen when the model was made.
 */

type Json = Record<string, unknown>;

export interface ChatModelSettings {
	target: OpenAiTarget;
	modelName: ModelName;
	/** Off: `stream()` sends one non-streamed request and passes the whole answer on. */
	streaming: boolean;
	/** Sends `response_format: {"type": "json_object"}`. */
	jsonMode: boolean;
	/** The body field that carries Maximum Number of Tokens: servers accept one or both. */
	maxTokensField: MaxTokensField;
	/** Sent as given, after the node's own fields (so they win over them). */
	extraBody: Json;
	/** The error n8n shows for a failed request. */
	toError: (error: unknown) => Error;
}

export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

/**
 * What a call may carry besides the SDK's config: LangChain's call options, which the SDK's adapter passes on, so a
 * binding such as `withConfig({ response_format })` (how structured output asks for a JSON schema) reaches the body.
 */
type CallConfig = ChatModelConfig & { signal?: AbortSignal; stop?: string[]; response_format?: unknown; tool_choice?: unknown };

const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

const FINISH_REASONS: Record<string, FinishReason> = {
	stop: 'stop',
	length: 'length',
	tool_calls: 'tool-calls',
	function_call: 'tool-calls',
	content_filter: 'content-filter',
};

function finishReasonOf(value: unknown): FinishReason {
	return typeof value === 'string' ? (FINISH_REASONS[value] ?? 'other') : 'other';
}

function usageOf(value: unknown): TokenUsage | undefined {
	if (!isRecord(value)) return undefined;
	const count = (name: string) => (typeof value[name] === 'number' ? (value[name] as number) : 0);
	const promptTokens = count('prompt_tokens');
	const completionTokens = count('completion_tokens');
	return { promptTokens, completionTokens, totalTokens: count('total_tokens') || promptTokens + completionTokens };
}

function textParts(content: MessageContent[]): string {
	return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function base64Of(data: string | Uint8Array): string {
	return typeof data === 'string' ? data : Buffer.from(data).toString('base64');
}

/** A user message's content: its text, or parts when it carries images (sent as data URLs or their URL). */
function userContent(content: MessageContent[]): string | Json[] {
	const images = content.filter((part) => part.type === 'file' && (part.mediaType ?? '').startsWith('image/'));
	if (images.length === 0) return textParts(content);
	return content.flatMap((part): Json[] => {
		if (part.type === 'text') return [{ type: 'text', text: part.text }];
		if (part.type !== 'file' || !images.includes(part)) return [];
		const url = part.providerMetadata?.url;
		const source = typeof url === 'string' ? url : `data:${part.mediaType};base64,${base64Of(part.data)}`;
		return [{ type: 'image_url', image_url: { url: source } }];
	});
}

/** A tool result as the text a `tool` message carries. */
function resultText(result: unknown): string {
	if (typeof result === 'string') return result;
	if (Array.isArray(result) && result.every((part) => isRecord(part) && part.type === 'text')) {
		return result.map((part) => String((part as Json).text ?? '')).join('');
	}
	return JSON.stringify(result ?? null);
}

/** The SDK's messages as OpenAI chat messages. */
export function toOpenAiMessages(messages: Message[]): Json[] {
	const out: Json[] = [];
	for (const message of messages) {
		switch (message.role) {
			case 'system':
				out.push({ role: 'system', content: textParts(message.content) });
				break;
			case 'assistant': {
				const text = textParts(message.content);
				const calls = message.content.flatMap((part, index) =>
					part.type === 'tool-call'
						? [{ id: part.toolCallId ?? `call_${index}`, type: 'function', function: { name: part.toolName, arguments: part.input } }]
						: [],
				);
				out.push(calls.length > 0 ? { role: 'assistant', content: text === '' ? null : text, tool_calls: calls } : { role: 'assistant', content: text });
				break;
			}
			case 'tool':
				for (const part of message.content) {
					if (part.type === 'tool-result') out.push({ role: 'tool', tool_call_id: part.toolCallId, content: resultText(part.result) });
				}
				break;
			default:
				out.push({ role: 'user', content: userContent(message.content) });
		}
	}
	return out;
}

/** Function tools as OpenAI tools (provider tools have no meaning for a self-hosted model and are left out). */
export function toOpenAiTools(tools: Tool[]): Json[] {
	return tools.flatMap((tool) =>
		tool.type === 'function'
			? [{ type: 'function', function: { name: tool.name, description: tool.description ?? '', parameters: getParametersJsonSchema(tool) } }]
			: [],
	);
}

/**
 * The reasoning a server keeps apart from the answer: vLLM's reasoning parsers (and SGLang, DeepSeek) name it
 * `reasoning_content`; newer vLLM releases name it `reasoning`.
 */
function reasoningOf(messageOrDelta: Json): string {
	const value = messageOrDelta.reasoning_content ?? messageOrDelta.reasoning;
	return typeof value === 'string' ? value : '';
}

/**
 * Reasoning for n8n: a content chunk holding the SDK's reasoning part, which the SDK's LangChain adapter turns
 * into a `{type: "reasoning"}` content block of the message (left out of its `text`; reasoningLog.ts copies it to
 * where n8n's log of the call keeps it). The adapter drops `reasoning-delta` chunks, hence a content chunk.
 */
function reasoningChunk(text: string): StreamChunk {
	return { type: 'content', content: { type: 'reasoning', text } };
}

function argumentsText(value: unknown): string {
	if (typeof value === 'string') return value;
	return JSON.stringify(value ?? {});
}

/** A non-streamed chat completion as the SDK's result. */
export function toGenerateResult(answer: unknown, deployedModelId: string | undefined): GenerateResult {
	const choice: unknown = isRecord(answer) && Array.isArray(answer.choices) ? answer.choices[0] : undefined;
	if (!isRecord(answer) || !isRecord(choice)) {
		throw new Error('The model server answered the chat completion without "choices": is the route prefix right, and the server OpenAI-compatible?');
	}
	const message = isRecord(choice.message) ? choice.message : {};
	const content: MessageContent[] = [];
	const reasoning = reasoningOf(message);
	if (reasoning !== '') content.push({ type: 'reasoning', text: reasoning });
	if (typeof message.content === 'string' && message.content !== '') content.push({ type: 'text', text: message.content });
	for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
		if (!isRecord(call) || !isRecord(call.function) || typeof call.function.name !== 'string') continue;
		content.push({
			type: 'tool-call',
			toolCallId: typeof call.id === 'string' ? call.id : undefined,
			toolName: call.function.name,
			input: argumentsText(call.function.arguments),
		});
	}
	const id = typeof answer.id === 'string' ? answer.id : undefined;
	return {
		id,
		finishReason: finishReasonOf(choice.finish_reason),
		usage: usageOf(answer.usage),
		message: { role: 'assistant', content, id },
		providerMetadata: { servedModel: answer.model, deployedModelId },
	};
}

/** A whole answer as stream chunks, for streaming switched off or a server that ignores `"stream": true`. */
function* chunksOf(result: GenerateResult): Generator<StreamChunk> {
	for (const part of result.message.content) {
		if (part.type === 'reasoning') yield reasoningChunk(part.text);
		if (part.type === 'text' && part.text !== '') yield { type: 'text-delta', delta: part.text };
		if (part.type === 'tool-call') yield { type: 'tool-call-delta', id: part.toolCallId, name: part.toolName, argumentsDelta: part.input };
	}
	yield { type: 'finish', finishReason: result.finishReason ?? 'stop', usage: result.usage };
}

/** Tool calls streamed as deltas by `index`, gathered until the stream ends. */
class StreamedToolCalls {
	private readonly calls = new Map<number, { id?: string; name: string; arguments: string }>();

	add(delta: unknown): void {
		if (!isRecord(delta)) return;
		const index = typeof delta.index === 'number' ? delta.index : this.calls.size;
		const call = this.calls.get(index) ?? { name: '', arguments: '' };
		if (typeof delta.id === 'string' && delta.id !== '') call.id = delta.id;
		const fn = isRecord(delta.function) ? delta.function : {};
		if (typeof fn.name === 'string') call.name += fn.name;
		if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
		this.calls.set(index, call);
	}

	get size(): number {
		return this.calls.size;
	}

	/**
	 * One complete delta per call, each with its id: the SDK's adapter gives every tool-call chunk index 0, and
	 * LangChain keeps chunks of one index apart only by their ids.
	 */
	*chunks(): Generator<StreamChunk> {
		const ordered = [...this.calls.entries()].sort(([a], [b]) => a - b);
		for (const [index, call] of ordered) {
			yield { type: 'tool-call-delta', id: call.id ?? `call_${index}`, name: call.name, argumentsDelta: call.arguments || '{}' };
		}
	}
}

export class VertexInvokeChatModel extends BaseChatModel {
	constructor(
		private readonly settings: ChatModelSettings,
		config: ChatModelConfig,
	) {
		super('vertex-ai-invoke', settings.modelName.label, config);
	}

	async generate(messages: Message[], config?: CallConfig): Promise<GenerateResult> {
		const signal = this.signalOf(config);
		try {
			const response = await postJson(this.settings.target, '/chat/completions', await this.body(messages, config, false), signal);
			return toGenerateResult(await response.json({ maxBytes: MAX_ANSWER_BYTES }), response.deployedModelId);
		} catch (error) {
			throw this.settings.toError(error);
		}
	}

	async *stream(messages: Message[], config?: CallConfig): AsyncIterable<StreamChunk> {
		if (!this.settings.streaming) {
			yield* chunksOf(await this.generate(messages, config));
			return;
		}
		const signal = this.signalOf(config);
		try {
			const response = await postJson(this.settings.target, '/chat/completions', await this.body(messages, config, true), signal);
			if (!response.contentType.includes('text/event-stream')) {
				yield* chunksOf(toGenerateResult(await response.json({ maxBytes: MAX_ANSWER_BYTES }), response.deployedModelId));
				return;
			}
			const toolCalls = new StreamedToolCalls();
			let finishReason: FinishReason = 'stop';
			let usage: TokenUsage | undefined;
			// Reasoning is gathered and passed on as one part when the answer starts (or the stream ends): n8n shows
			// it whole, and a part per token would make as many empty chunks in a chat that streams the answer.
			let reasoning = '';
			const reasoningDone = function* (): Generator<StreamChunk> {
				if (reasoning !== '') yield reasoningChunk(reasoning);
				reasoning = '';
			};
			for await (const chunk of response.chunks({ format: 'sse' })) {
				const data = chunk.data;
				if (data === '[DONE]') break;
				if (!isRecord(data)) continue;
				if (isRecord(data.error)) throw new Error(`The model server reported an error mid-stream: ${String(data.error.message ?? JSON.stringify(data.error))}`);
				usage = usageOf(data.usage) ?? usage;
				const choice: unknown = Array.isArray(data.choices) ? data.choices[0] : undefined;
				if (!isRecord(choice)) continue;
				const delta = isRecord(choice.delta) ? choice.delta : {};
				reasoning += reasoningOf(delta);
				if (typeof delta.content === 'string' && delta.content !== '') {
					yield* reasoningDone();
					yield { type: 'text-delta', delta: delta.content };
				}
				for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) toolCalls.add(call);
				if (typeof choice.finish_reason === 'string') finishReason = finishReasonOf(choice.finish_reason);
			}
			yield* reasoningDone();
			yield* toolCalls.chunks();
			yield { type: 'finish', finishReason: toolCalls.size > 0 && finishReason === 'stop' ? 'tool-calls' : finishReason, usage };
		} catch (error) {
			throw this.settings.toError(error);
		}
	}

	private signalOf(config: CallConfig | undefined): AbortSignal | undefined {
		return config?.signal ?? config?.abortSignal;
	}

	/** The request body: the node's settings, then the call's stop sequences, then Extra Body Fields. */
	private async body(messages: Message[], config: CallConfig | undefined, stream: boolean): Promise<Json> {
		const defaults = this.defaultConfig ?? {};
		const body: Json = {};
		const model = await this.settings.modelName.resolve(this.signalOf(config));
		if (model !== undefined) {
			body.model = model;
			this.modelId = model;
		}
		body.messages = toOpenAiMessages(messages);
		const tools = toOpenAiTools(this.tools);
		if (tools.length > 0) body.tools = tools;
		if (defaults.temperature !== undefined) body.temperature = defaults.temperature;
		if (defaults.maxTokens !== undefined) body[this.settings.maxTokensField] = defaults.maxTokens;
		if (defaults.topP !== undefined) body.top_p = defaults.topP;
		const stop = config?.stopSequences ?? config?.stop ?? defaults.stopSequences;
		if (stop && stop.length > 0) body.stop = stop;
		if (this.settings.jsonMode) body.response_format = { type: 'json_object' };
		// A call's own format and tool choice (structured output binds them) win over the node's JSON mode.
		if (isRecord(config?.response_format)) body.response_format = config.response_format;
		if (tools.length > 0 && config?.tool_choice !== undefined) body.tool_choice = config.tool_choice;
		if (stream) {
			body.stream = true;
			body.stream_options = { include_usage: true };
		}
		return { ...body, ...this.settings.extraBody };
	}
}
