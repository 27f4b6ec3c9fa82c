#!/usr/bin/env node
/**
 * The emulator's built-in image: a small model server with several routes, as a container behind
 * Vertex's invoke route would have. Self-contained on purpose (only `node:` imports, erasable
 * TypeScript) so Node 24 runs it straight from source and the build ships it as plain JS.
 *
 * Environment (what Vertex gives a container): AIP_HTTP_PORT (default 8080), AIP_HEALTH_ROUTE
 * (default /health), AIP_PREDICT_ROUTE, AIP_DEPLOYED_MODEL_ID. Own switches:
 * SAMPLE_NEVER_HEALTHY=1 or `--never-healthy` (health answers 503 forever),
 * SAMPLE_HEALTH_DELAY_MS / `--health-delay-ms=N` (unhealthy for N ms after start),
 * SAMPLE_MODEL_NAME / `--model-name=NAME` (the name reported in answers),
 * SAMPLE_DIALECT / `--dialect=openai|vllm-reasoning|tgi|llamacpp|ollama|kserve|torchserve` (the wire format of
 * the server it plays; see dialectRoutes below). Any dialect's stream fails mid-way with the server's own error
 * shape when the body or query sets `failAfter=N` (after N text chunks); the kserve and torchserve dialects' whole
 * answers fail with `failWith=MESSAGE` (body or query), in the server's own error status and body; vllm-reasoning
 * streams `reasoningChunks=N` pieces of thinking when asked (a benchmark's long reasoning).
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';

interface StreamShape {
	chunks: number;
	chunkSize: number;
	delayMs: number;
}

interface ServerConfig {
	port: number;
	healthRoute: string;
	predictRoute: string;
	deployedModelId: string;
	modelName: string;
	neverHealthy: boolean;
	healthyAfter: number;
	dialect: Dialect;
}

const DIALECTS = ['openai', 'vllm-reasoning', 'tgi', 'llamacpp', 'ollama', 'kserve', 'torchserve'] as const;
type Dialect = (typeof DIALECTS)[number];

/** Headers that carry credentials; /echo reports their names only, never their values. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-goog-api-key', 'x-api-key']);
const MAX_CHUNKS = 1_000_000;
const MAX_CHUNK_SIZE = 1_048_576;
const EMBEDDING_DIMENSIONS = 8;
const MAX_EMBEDDING_DIMENSIONS = 4096;
const STARTED_AT = Math.floor(Date.now() / 1000);

function argValue(name: string): string | undefined {
	const prefix = `--${name}=`;
	const found = process.argv.find((arg) => arg.startsWith(prefix));
	return found === undefined ? undefined : found.slice(prefix.length);
}

function readConfig(): ServerConfig {
	const healthDelay = Number(argValue('health-delay-ms') ?? process.env.SAMPLE_HEALTH_DELAY_MS ?? 0);
	return {
		port: Number(argValue('port') ?? process.env.AIP_HTTP_PORT ?? 8080),
		healthRoute: process.env.AIP_HEALTH_ROUTE || '/health',
		predictRoute: process.env.AIP_PREDICT_ROUTE || '/predict',
		deployedModelId: process.env.AIP_DEPLOYED_MODEL_ID ?? '',
		modelName: argValue('model-name') ?? process.env.SAMPLE_MODEL_NAME ?? 'sample-model',
		neverHealthy: process.argv.includes('--never-healthy') || process.env.SAMPLE_NEVER_HEALTHY === '1',
		healthyAfter: Date.now() + (Number.isFinite(healthDelay) ? healthDelay : 0),
		dialect: dialectOf(argValue('dialect') ?? process.env.SAMPLE_DIALECT ?? 'openai'),
	};
}

function dialectOf(name: string): Dialect {
	if ((DIALECTS as readonly string[]).includes(name)) return name as Dialect;
	process.stderr.write(`Unknown --dialect ${JSON.stringify(name)}; use one of ${DIALECTS.join(', ')}.\n`);
	process.exit(2);
}

const config = readConfig();
const requestCounts = new Map<string, number>();
let activeStreams = 0;

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const parts: Buffer[] = [];
		req.on('data', (part: Buffer) => parts.push(part));
		req.on('end', () => resolve(Buffer.concat(parts)));
		req.on('error', reject);
	});
}

function parseJson(body: Buffer): Record<string, unknown> {
	if (body.length === 0) return {};
	const parsed: unknown = JSON.parse(body.toString('utf8'));
	return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, text = JSON.stringify(value)): void {
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

function boundedInt(raw: unknown, fallback: number, min: number, max: number): number {
	const value = typeof raw === 'string' && raw !== '' ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
	return Math.min(max, Math.max(min, Math.floor(value)));
}

/** Body fields win over query parameters, so a benchmark can use either. */
function streamShape(body: Record<string, unknown>, query: URLSearchParams, defaults: StreamShape): StreamShape {
	const pick = (name: string): unknown => body[name] ?? query.get(name) ?? undefined;
	return {
		chunks: boundedInt(pick('chunks'), defaults.chunks, 1, MAX_CHUNKS),
		chunkSize: boundedInt(pick('chunkSize'), defaults.chunkSize, 1, MAX_CHUNK_SIZE),
		delayMs: boundedInt(pick('delayMs'), defaults.delayMs, 0, 600_000),
	};
}

/** Deterministic filler text of the requested size, so clients can check what they received. */
function tokenText(index: number, size: number): string {
	const seed = `tok${index} `;
	return seed.repeat(Math.ceil(size / seed.length)).slice(0, size);
}

/** Writes one piece and waits for the socket to drain when the client reads slower than we write. */
async function writePiece(res: http.ServerResponse, piece: string): Promise<boolean> {
	if (res.destroyed) return false;
	if (!res.write(piece)) {
		await new Promise<void>((resolve) => {
			const done = (): void => {
				res.off('drain', done);
				res.off('close', done);
				resolve();
			};
			res.on('drain', done);
			res.on('close', done);
		});
	}
	return !res.destroyed;
}

type Json = Record<string, unknown>;

/** A chat message as the rules below read it. */
interface ChatMessage {
	role: string;
	text: string;
	toolCalls: Array<{ id: string; name: string }>;
	toolCallId?: string;
	name?: string;
}

interface OfferedTool {
	name: string;
	description: string;
	parameters: Json;
}

/** One call of an offered tool: its JSON arguments, streamed in pieces. */
interface ToolCall {
	id: string;
	name: string;
	arguments: string;
	pieces: string[];
}

/** A chat answer: text, or calls of offered tools (several in one message when the prompt asks for several). */
type ChatAnswer = { kind: 'text'; pieces: string[] } | { kind: 'tool'; calls: ToolCall[] };

/** An arithmetic expression such as `12 * 7` or `(3 + 4) / 2`. */
const EXPRESSION = /\(?\s*-?\d+(?:\.\d+)?(?:\s*[-+*/^%]\s*\(?\s*-?\d+(?:\.\d+)?\s*\)?)+/;
const NUMBER = /-?\d+(?:\.\d+)?/;
/** What the vllm-reasoning dialect thinks before every answer. */
const REASONING = 'Let me think about this.';

function isRecord(value: unknown): value is Json {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A message's text: the string, or the text parts of a content array joined. */
function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (!Array.isArray(content)) return '';
	return content.map((part) => (isRecord(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

function messagesOf(body: Json): ChatMessage[] {
	const raw = Array.isArray(body.messages) ? body.messages : [];
	return raw.filter(isRecord).map((message) => ({
		role: typeof message.role === 'string' ? message.role : '',
		text: textOf(message.content),
		toolCalls: (Array.isArray(message.tool_calls) ? message.tool_calls : []).filter(isRecord).map((call) => ({
			id: typeof call.id === 'string' ? call.id : '',
			name: isRecord(call.function) && typeof call.function.name === 'string' ? call.function.name : '',
		})),
		toolCallId: typeof message.tool_call_id === 'string' ? message.tool_call_id : undefined,
		name: typeof message.name === 'string' ? message.name : undefined,
	}));
}

function lastUserMessage(body: Json): string {
	return lastUserText(messagesOf(body));
}

function lastUserText(messages: ChatMessage[]): string {
	for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i].text;
	return '';
}

/** The system messages' text, joined. */
function systemText(messages: ChatMessage[]): string {
	return messages.filter((message) => message.role === 'system').map((message) => message.text).join('\n');
}

/** Text cut after each space, so the pieces join back to the text. */
function wordPieces(text: string): string[] {
	const words = text.split(' ');
	return words.map((word, i) => (i < words.length - 1 ? `${word} ` : word));
}

function slices(text: string, size: number): string[] {
	const pieces: string[] = [];
	for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
	return pieces.length > 0 ? pieces : [''];
}

/**
 * Without `chunks` or `chunkSize` a chat gets a readable reply that quotes the prompt, one word a chunk, so a demo
 * shows that the request went through; with either, deterministic filler of the asked size (tests, benchmarks).
 */
function replyPieces(body: Json, query: URLSearchParams, shape: StreamShape): string[] {
	const sized = ['chunks', 'chunkSize'].some((name) => body[name] !== undefined || query.has(name));
	const prompt = lastUserMessage(body).trim();
	if (sized || prompt === '') return Array.from({ length: shape.chunks }, (_, i) => tokenText(i, shape.chunkSize));
	return wordPieces(`Hello from the sample model server behind Vertex AI invoke! You said: "${prompt}"`);
}

/** The function tools a request offers (none when `tool_choice` is "none"). */
function offeredTools(body: Json): OfferedTool[] {
	if (body.tool_choice === 'none' || !Array.isArray(body.tools)) return [];
	return body.tools.filter(isRecord).flatMap((tool) => {
		const fn = tool.function;
		if (tool.type !== 'function' || !isRecord(fn) || typeof fn.name !== 'string' || fn.name === '') return [];
		const description = typeof fn.description === 'string' ? fn.description : '';
		return [{ name: fn.name, description, parameters: isRecord(fn.parameters) ? fn.parameters : {} }];
	});
}

/** Lower case, `_` and `-` as spaces: "get_weather" is named by "what does get weather say". */
function plainWords(text: string): string {
	return text.toLowerCase().replace(/[_-]+/g, ' ');
}

/**
 * The tools a prompt asks for: the one `tool_choice` names; else every offered tool whose name appears in the
 * prompt (several calls in one message, as OpenAI's parallel function calling answers; only the first with
 * `parallel_tool_calls: false`); else, for a prompt holding arithmetic, the first tool whose name or description
 * says "calc" or "math"; else the first offered tool a system message names exactly as it is spelled (as n8n's
 * agent tells the model to answer through its `format_final_json_response` tool); else the first tool when
 * `tool_choice` is "required"; else none.
 */
function chooseTools(body: Json, tools: OfferedTool[], messages: ChatMessage[], prompt: string): OfferedTool[] {
	const choice = body.tool_choice;
	const forced = isRecord(choice) && isRecord(choice.function) ? tools.find((tool) => tool.name === (choice.function as Json).name) : undefined;
	if (forced) return [forced];
	const words = plainWords(prompt);
	const named = tools.filter((tool) => words.includes(plainWords(tool.name)));
	if (named.length > 0) return body.parallel_tool_calls === false ? named.slice(0, 1) : named;
	const calculator = EXPRESSION.test(prompt) ? tools.find((tool) => /calc|math/i.test(`${tool.name} ${tool.description}`)) : undefined;
	if (calculator) return [calculator];
	const instructions = systemText(messages);
	const instructed = tools.find((tool) => instructions.includes(tool.name));
	if (instructed) return [instructed];
	return choice === 'required' ? tools.slice(0, 1) : [];
}

/**
 * A value for a JSON schema, filled from the prompt: an object gets each required property (else its first
 * property), filled the same way; an array one such element; numbers and integers the prompt's first number;
 * booleans true; anything else its arithmetic expression if it has one, else the whole prompt.
 */
function valueFor(schema: unknown, prompt: string): unknown {
	const type = isRecord(schema) ? schema.type : undefined;
	if (type === 'object' || (isRecord(schema) && isRecord(schema.properties))) return objectFor(schema as Json, prompt);
	if (type === 'array') return [valueFor(isRecord(schema) ? schema.items : undefined, prompt)];
	const number = NUMBER.exec(prompt)?.[0];
	if (type === 'number' || type === 'integer') return number === undefined ? 0 : Number(number);
	if (type === 'boolean') return true;
	return EXPRESSION.exec(prompt)?.[0].trim() ?? prompt;
}

function objectFor(schema: Json, prompt: string): Json {
	const properties = isRecord(schema.properties) ? schema.properties : {};
	const required = Array.isArray(schema.required) ? schema.required.filter((name) => typeof name === 'string') : [];
	const names = required.length > 0 ? (required as string[]) : Object.keys(properties).slice(0, 1);
	return Object.fromEntries(names.map((name) => [name, valueFor(properties[name], prompt)]));
}

/**
 * LangChain's StructuredOutputParser asks for JSON in the prompt, not through tools or `response_format`
 * (@langchain/classic output_parsers/structured.js, getFormatInstructions): its instructions start with this
 * sentence and end with the schema in a ```json block. n8n's Basic LLM Chain (with an output parser) puts them after
 * the user's prompt; its Information Extractor, Text Classifier and Sentiment Analysis in the system message.
 */
const FORMAT_INSTRUCTIONS = 'You must format your output as a JSON value that adheres to a given "JSON Schema" instance.';
const JSON_BLOCK = /```json\n([\s\S]*?)\n```/g;

/** The JSON schema of the last format instructions in the messages, if any. */
function instructedSchema(messages: ChatMessage[]): Json | undefined {
	for (const message of [...messages].reverse()) {
		const at = message.text.indexOf(FORMAT_INSTRUCTIONS);
		if (at < 0) continue;
		const blocks = [...message.text.slice(at).matchAll(JSON_BLOCK)];
		try {
			const schema: unknown = JSON.parse(blocks.at(-1)?.[1] ?? '');
			if (isRecord(schema)) return schema;
		} catch {
			// Not a schema after all: the next rule answers.
		}
	}
	return undefined;
}

/**
 * The value a text gives for a property labelled in it, `name: value` or `name is value` (the name as plainWords
 * reads it), up to the end of the sentence or clause.
 */
function labelledValue(text: string, name: string): string | undefined {
	const label = plainWords(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(`\\b${label}(?::| is)\\s*(.+?)\\s*(?:[.,;](?:\\s|$)|\\n|$)`, 'i').exec(text)?.[1];
}

function clamped(value: number, schema: Json): number {
	const min = typeof schema.minimum === 'number' ? schema.minimum : -Infinity;
	const max = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
	return Math.min(max, Math.max(min, value));
}

/** The words of a text, lower case, spaced and padded: ` i was charged twice `. */
function wordsOf(text: string): string {
	return ` ${plainWords(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
}

/**
 * A value for a schema read out of a text, as an extraction model would: an object gets every property; a
 * property labelled in the text (`age: 36`, `retired: no`) takes that value; else a boolean is whether the text
 * names the property, a string with `enum` the first value the text holds as a word (else the first value), a number
 * the text's first number (0 without one), kept within `minimum` and `maximum`; an array one such element; any other
 * string the text.
 */
function extractedValue(schema: unknown, text: string, name?: string): unknown {
	const rule = isRecord(schema) ? schema : {};
	if (rule.type === 'object' || isRecord(rule.properties)) {
		const properties = isRecord(rule.properties) ? rule.properties : {};
		return Object.fromEntries(Object.keys(properties).map((key) => [key, extractedValue(properties[key], text, key)]));
	}
	if (rule.type === 'array') return [extractedValue(rule.items, text, name)];
	const labelled = name === undefined ? undefined : labelledValue(text, name);
	const source = labelled ?? text;
	if (rule.type === 'boolean') {
		const answered = /^(yes|true|no|false)\b/i.exec(labelled ?? '')?.[1];
		return answered !== undefined ? /^(yes|true)$/i.test(answered) : name !== undefined && wordsOf(text).includes(wordsOf(name));
	}
	if (rule.type === 'number' || rule.type === 'integer') return clamped(Number(NUMBER.exec(source)?.[0] ?? 0), rule);
	if (Array.isArray(rule.enum) && rule.enum.length > 0) {
		const words = wordsOf(source);
		return rule.enum.find((value) => typeof value === 'string' && words.includes(wordsOf(value))) ?? rule.enum[0];
	}
	return source.trim();
}

/** What the format instructions ask about: the last user message without them (the Basic LLM Chain appends them). */
function instructedText(messages: ChatMessage[]): string {
	const prompt = lastUserText(messages);
	const at = prompt.indexOf(FORMAT_INSTRUCTIONS);
	return (at < 0 ? prompt : prompt.slice(0, at)).trim();
}

/**
 * The context a retrieval prompt hands the model: what follows `Context:` in a system message (LangChain's
 * retrieval QA prompt, which n8n's Question and Answer Chain uses: the retrieved documents, joined).
 */
function retrievedContext(messages: ChatMessage[]): string | undefined {
	const system = systemText(messages);
	const at = system.lastIndexOf('Context:');
	return at < 0 ? undefined : system.slice(at + 'Context:'.length).trim() || undefined;
}

/**
 * When the last message is a tool result: an answer quoting every tool result since the last user message, e.g.
 * `The calculator tool returned: 84`. All of them, not only the trailing ones: a client may send the calls of one
 * turn back as one assistant message per call, each followed by its result (n8n's AI Agent does).
 */
function toolResultsReply(messages: ChatMessage[]): string | undefined {
	if (messages.at(-1)?.role !== 'tool') return undefined;
	const lastUser = messages.map((message) => message.role).lastIndexOf('user');
	const results = messages.slice(lastUser + 1).filter((message) => message.role === 'tool');
	const toolNames = new Map(messages.flatMap((message) => message.toolCalls.map((call) => [call.id, call.name] as const)));
	return results
		.map((result) => `The ${toolNames.get(result.toolCallId ?? '') || result.name || 'tool'} tool returned: ${result.text.trim()}`)
		.join(' ');
}

function wantsJson(body: Json): boolean {
	const format = body.response_format;
	return isRecord(format) && (format.type === 'json_object' || format.type === 'json_schema');
}

/** What the server answers a chat with (the rules are in emulator/README.md). */
function chatAnswer(body: Json, query: URLSearchParams, shape: StreamShape): ChatAnswer {
	const messages = messagesOf(body);
	const last = messages.at(-1);
	const tools = offeredTools(body);
	const chosen = last?.role === 'user' && tools.length > 0 ? chooseTools(body, tools, messages, last.text) : [];
	if (chosen.length > 0 && last) {
		const calls = chosen.map((tool) => {
			const args = JSON.stringify(objectFor(tool.parameters, last.text));
			return { id: `call_${messages.length}_${tool.name}`, name: tool.name, arguments: args, pieces: slices(args, 8) };
		});
		return { kind: 'tool', calls };
	}
	const fromTools = toolResultsReply(messages);
	if (fromTools !== undefined) return textAnswer(body, wordPieces(fromTools));
	const context = retrievedContext(messages);
	if (context !== undefined) return textAnswer(body, wordPieces(`From the context: ${context}`));
	const schema = instructedSchema(messages);
	if (schema !== undefined) {
		const value = JSON.stringify(extractedValue(schema, instructedText(messages)));
		// In JSON mode the value itself; else in the ```json block the instructions ask for.
		return { kind: 'text', pieces: wordPieces(wantsJson(body) ? value : `\`\`\`json\n${value}\n\`\`\``) };
	}
	return textAnswer(body, replyPieces(body, query, shape));
}

/** A text answer; JSON mode wraps it as `{"reply": text}`. */
function textAnswer(body: Json, pieces: string[]): ChatAnswer {
	return { kind: 'text', pieces: wantsJson(body) ? wordPieces(JSON.stringify({ reply: pieces.join('') })) : pieces };
}

/**
 * The message of a whole answer. Tool calls as OpenAI's chat completion object gives them
 * (platform.openai.com/docs/api-reference/chat/object: `message.tool_calls`, an array, one entry per call).
 */
function answerMessage(answer: ChatAnswer): Json {
	if (answer.kind === 'text') return { role: 'assistant', content: answer.pieces.join('') };
	const calls = answer.calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
	return { role: 'assistant', content: null, tool_calls: calls };
}

/**
 * The deltas of a streamed answer after the opening one. Tool calls as OpenAI's chat completion chunk object gives
 * them (api-reference/chat-streaming: `delta.tool_calls[].index` tells the calls apart): each call's id, type and
 * name once, with empty arguments, then its arguments in pieces; the first call's opening is the opening delta.
 */
function answerDeltas(answer: ChatAnswer): { opening: Json; pieces: Json[] } {
	if (answer.kind === 'text') return { opening: { role: 'assistant', content: '' }, pieces: answer.pieces.map((piece) => ({ content: piece })) };
	const callOpening = (call: ToolCall, index: number): Json => ({ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } });
	const pieces = answer.calls.flatMap((call, index) => [
		...(index === 0 ? [] : [{ tool_calls: [callOpening(call, index)] }]),
		...call.pieces.map((piece) => ({ tool_calls: [{ index, function: { arguments: piece } }] })),
	]);
	return { opening: { role: 'assistant', content: null, tool_calls: [callOpening(answer.calls[0], 0)] }, pieces };
}

async function chatCompletions(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): Promise<void> {
	const body = parseJson(await readBody(req));
	const shape = streamShape(body, query, { chunks: 5, chunkSize: 8, delayMs: 0 });
	const answer = chatAnswer(body, query, shape);
	const finishReason = answer.kind === 'tool' ? 'tool_calls' : 'stop';
	const id = `chatcmpl-${Date.now().toString(36)}`;
	const created = Math.floor(Date.now() / 1000);
	const model = typeof body.model === 'string' && body.model !== '' ? body.model : config.modelName;
	const promptTokens = lastUserMessage(body).split(/\s+/).filter(Boolean).length;
	const deltas = answerDeltas(answer);
	// vLLM with --reasoning-parser: the thinking comes in its own field (vllm/entrypoints/openai/serving_chat.py;
	// ChatMessage and DeltaMessage in vllm/entrypoints/openai/protocol.py): `reasoning_content` up to 0.10,
	// `reasoning` in newer releases (`reasoningField=reasoning` picks it); streamed, it comes before the answer.
	const reasoningField = config.dialect !== 'vllm-reasoning' ? undefined : (body.reasoningField ?? query.get('reasoningField')) === 'reasoning' ? 'reasoning' : 'reasoning_content';
	const usage = { prompt_tokens: promptTokens, completion_tokens: deltas.pieces.length, total_tokens: promptTokens + deltas.pieces.length };
	if (body.stream !== true) {
		sendJson(res, 200, {
			id,
			object: 'chat.completion',
			created,
			model,
			choices: [{ index: 0, message: { ...answerMessage(answer), ...(reasoningField ? { [reasoningField]: REASONING } : {}) }, finish_reason: finishReason }],
			usage,
		});
		return;
	}
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	res.flushHeaders();
	activeStreams++;
	try {
		const chunk = (delta: Json, reason: string | null): string =>
			`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: reason }] })}\n\n`;
		if (!(await writePiece(res, chunk(deltas.opening, null)))) return;
		if (reasoningField) {
			for (const piece of reasoningPieces(body, query, shape)) {
				if (!(await writePiece(res, chunk({ [reasoningField]: piece }, null)))) return;
			}
		}
		const failAfter = failAfterOf(body, query);
		for (const [n, delta] of deltas.pieces.entries()) {
			if (n === failAfter) {
				// vLLM writes `data: {"error": {...}}` (ErrorResponse, serving_chat.py); OpenAI-style proxies add `event: error`.
				const error = { error: { message: 'The model server failed while generating', type: 'InternalServerError', code: 500 } };
				res.end(`${config.dialect === 'openai' ? 'event: error\n' : ''}data: ${JSON.stringify(error)}\n\n`);
				return;
			}
			if (shape.delayMs > 0) await sleep(shape.delayMs);
			if (!(await writePiece(res, chunk(delta, null)))) return;
		}
		if (!(await writePiece(res, chunk({}, finishReason)))) return;
		if (!(await writePiece(res, `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`))) return;
		res.end('data: [DONE]\n\n');
	} finally {
		activeStreams--;
	}
}

/** The thinking a vllm-reasoning stream sends: a short sentence, or `reasoningChunks=N` filler pieces of chunkSize. */
function reasoningPieces(body: Json, query: URLSearchParams, shape: StreamShape): string[] {
	const count = boundedInt(body.reasoningChunks ?? query.get('reasoningChunks') ?? undefined, 0, 0, MAX_CHUNKS);
	if (count === 0) return wordPieces(REASONING);
	return Array.from({ length: count }, (_, i) => tokenText(i, shape.chunkSize));
}

/** `failAfter=N`: the stream fails after N text chunks, in the dialect's own error shape. */
function failAfterOf(body: Json, query: URLSearchParams): number {
	const raw = body.failAfter ?? query.get('failAfter');
	return raw === undefined || raw === null ? -1 : boundedInt(raw, -1, 0, MAX_CHUNKS);
}

/** `failWith=MESSAGE`: a whole answer fails with MESSAGE, in the server's own error answer; undefined: no failure. */
function failWithOf(body: Json, query: URLSearchParams): string | undefined {
	const raw = body.failWith ?? query.get('failWith');
	return typeof raw === 'string' && raw !== '' ? raw : undefined;
}

/** What a native-route request asks for, whatever the dialect calls its prompt field. */
function nativeRequest(body: Json, query: URLSearchParams): { pieces: string[]; shape: StreamShape; stream: boolean; promptTokens: number } {
	const shape = streamShape(body, query, { chunks: 5, chunkSize: 8, delayMs: 0 });
	const prompt = [body.inputs, body.prompt, lastUserMessage(body)].find((value) => typeof value === 'string' && value !== '') as string | undefined;
	const sized = ['chunks', 'chunkSize'].some((name) => body[name] !== undefined || query.has(name));
	const pieces = sized || !prompt
		? Array.from({ length: shape.chunks }, (_, i) => tokenText(i, shape.chunkSize))
		: wordPieces(`Hello from the sample model server! You said: "${prompt}"`);
	const streamFlag = body.stream ?? query.get('stream');
	return { pieces, shape, stream: streamFlag === true || streamFlag === 'true', promptTokens: (prompt ?? '').split(/\s+/).filter(Boolean).length };
}

/** Writes a stream's events, one per piece, then the closing event, failing with `errorEvent` at `failAfter`. */
async function writeStream(
	res: http.ServerResponse,
	contentType: string,
	pieces: string[],
	shape: StreamShape,
	failAfter: number,
	event: (piece: string, index: number) => string,
	closing: () => string,
	errorEvent: () => string,
): Promise<void> {
	res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
	res.flushHeaders();
	activeStreams++;
	try {
		for (const [n, piece] of pieces.entries()) {
			if (n === failAfter) {
				res.end(errorEvent());
				return;
			}
			if (shape.delayMs > 0) await sleep(shape.delayMs);
			if (!(await writePiece(res, event(piece, n)))) return;
		}
		res.end(closing());
	} finally {
		activeStreams--;
	}
}

/**
 * TGI's native routes (router/src/server.rs, types in router/src/lib.rs): `POST /generate` answers
 * `{generated_text, details}`; `POST /generate_stream` sends SSE `data: {index, token: {id, text, logprob, special},
 * generated_text, details}` (the last event carries the whole text and `details.generated_tokens`, `input_length`
 * when `parameters.details` is set), and an error as `data: {"error": "...", "error_type": "generation"}`.
 */
async function tgiGenerate(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams, stream: boolean): Promise<void> {
	const body = parseJson(await readBody(req));
	const { pieces, shape, promptTokens } = nativeRequest(body, query);
	const details = { finish_reason: 'eos_token', generated_tokens: pieces.length, seed: null, input_length: promptTokens };
	if (!stream) {
		sendJson(res, 200, { generated_text: pieces.join(''), details });
		return;
	}
	const token = (text: string, n: number, special = false): Json => ({ id: 1000 + n, text, logprob: -0.5, special });
	await writeStream(res, 'text/event-stream', pieces, shape, failAfterOf(body, query),
		(piece, n) => `data: ${JSON.stringify({ index: n + 1, token: token(piece, n), generated_text: null, details: null, top_tokens: null })}\n\n`,
		() => `data: ${JSON.stringify({ index: pieces.length + 1, token: token('</s>', pieces.length, true), generated_text: pieces.join(''), details, top_tokens: null })}\n\n`,
		() => `data: ${JSON.stringify({ error: 'Request failed during generation: CUDA out of memory', error_type: 'generation' })}\n\n`);
}

/**
 * llama.cpp's native `POST /completion` (tools/server/server.cpp, README in tools/server): with `stream: true`, SSE
 * `data: {"content": "...", "stop": false, ...}`; the last event has `stop: true`, `tokens_evaluated`,
 * `tokens_predicted` and `timings`; an error is `data: {"error": {"code", "message", "type"}}`. Without
 * `stream`, one JSON object of the same shape holding the whole content.
 */
async function llamaCppCompletion(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): Promise<void> {
	const body = parseJson(await readBody(req));
	const { pieces, shape, stream, promptTokens } = nativeRequest(body, query);
	const timings = { prompt_n: promptTokens, prompt_ms: 1.5, predicted_n: pieces.length, predicted_ms: 4.2, predicted_per_second: 238.1 };
	const last = { content: '', stop: true, model: config.modelName, tokens_evaluated: promptTokens, tokens_predicted: pieces.length, stop_type: 'eos', truncated: false, timings };
	if (!stream) {
		sendJson(res, 200, { ...last, content: pieces.join('') });
		return;
	}
	await writeStream(res, 'text/event-stream', pieces, shape, failAfterOf(body, query),
		(piece, n) => `data: ${JSON.stringify({ index: 0, content: piece, tokens: [n], stop: false, id_slot: 0 })}\n\n`,
		() => `data: ${JSON.stringify(last)}\n\n`,
		() => `data: ${JSON.stringify({ error: { code: 500, message: 'slot failed while decoding', type: 'server_error' } })}\n\n`);
}

/**
 * Ollama (server/routes.go, types in api/types.go): `POST /api/generate` and `/api/chat` stream NDJSON (the
 * default; `"stream": false` gives one object): `{"model", "created_at", "response": "..."}` or
 * `"message": {"role", "content"}`, with `"done": true`, `prompt_eval_count` and `eval_count` on the last line; an
 * error mid-stream is a line `{"error": "..."}`.
 */
async function ollama(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams, chat: boolean): Promise<void> {
	const body = parseJson(await readBody(req));
	const { pieces, shape, promptTokens } = nativeRequest(body, query);
	const model = typeof body.model === 'string' && body.model !== '' ? body.model : config.modelName;
	const head = (): Json => ({ model, created_at: new Date().toISOString() });
	const content = (text: string): Json => (chat ? { message: { role: 'assistant', content: text } } : { response: text });
	const counters = { done_reason: 'stop', total_duration: 5_000_000, load_duration: 1_000_000, prompt_eval_count: promptTokens, prompt_eval_duration: 1_000_000, eval_count: pieces.length, eval_duration: 3_000_000 };
	if (body.stream === false) {
		sendJson(res, 200, { ...head(), ...content(pieces.join('')), done: true, ...counters });
		return;
	}
	await writeStream(res, 'application/x-ndjson', pieces, shape, failAfterOf(body, query),
		(piece) => `${JSON.stringify({ ...head(), ...content(piece), done: false })}\n`,
		() => `${JSON.stringify({ ...head(), ...content(''), done: true, ...counters })}\n`,
		() => `${JSON.stringify({ error: 'an error was encountered while running the model: unexpected EOF' })}\n`);
}

/**
 * KServe v2 / Triton inference protocol (`POST /v2/models/{name}/infer`, as TGI serves it in router/src/kserve.rs
 * and Triton's docs/protocol): the text comes back as a BYTES output tensor, `outputs[0].data[0]`. A failure is a
 * non-2xx status with the protocol's `$inference_error_response`, `{"error": "<message>"}`: KServe's Python server
 * answers a model's InferenceError with 500 (python/kserve/kserve/errors.py, inference_error_handler), Triton an
 * internal error with 500 and the same body (src/http_server.cc, EVBufferAddErrorJson and HttpCodeFromError).
 */
async function kserveInfer(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams, name: string): Promise<void> {
	const body = parseJson(await readBody(req));
	const failure = failWithOf(body, query);
	if (failure !== undefined) {
		sendJson(res, 500, { error: failure });
		return;
	}
	const input = Array.isArray(body.inputs) ? body.inputs.find(isRecord) : undefined;
	const prompt = input && Array.isArray(input.data) && typeof input.data[0] === 'string' ? input.data[0] : '';
	const { pieces } = nativeRequest({ ...body, inputs: prompt }, query);
	sendJson(res, 200, {
		model_name: name,
		model_version: '1',
		id: typeof body.id === 'string' ? body.id : `infer-${Date.now().toString(36)}`,
		outputs: [{ name: 'text_output', shape: [1], datatype: 'BYTES', data: [pieces.join('')] }],
	});
}

/**
 * TorchServe (`POST /predictions/{name}`, frontend/server/.../InferenceRequestHandler.java): the answer is what the
 * model's handler returns; an LLM handler that streams (send_intermediate_predict_response in
 * ts/protocol/otf_message_handler.py) sends text pieces over chunked transfer, as here. A handler that raises
 * PredictionException(message, 503) (ts/service.py, predict) makes the frontend answer that status with its
 * ErrorResponse, `{"code", "type": "InternalServerException", "message"}`, pretty-printed with a final newline
 * (RestJob.sendError, NettyUtils.sendError and sendJsonResponse in frontend/server/.../util/NettyUtils.java).
 */
async function torchServePredict(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): Promise<void> {
	const body = parseJson(await readBody(req));
	const failure = failWithOf(body, query);
	if (failure !== undefined) {
		const errorResponse = { code: 503, type: 'InternalServerException', message: failure };
		sendJson(res, 503, errorResponse, `${JSON.stringify(errorResponse, null, 2)}\n`);
		return;
	}
	const { pieces, shape } = nativeRequest(body, query);
	await writeStream(res, 'text/plain; charset=utf-8', pieces, shape, -1, (piece) => piece, () => '', () => '');
}

/** The native routes of the server a dialect plays (the OpenAI routes are served in every dialect, as the servers do). */
function dialectRoute(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> | undefined {
	if (req.method !== 'POST') return undefined;
	const query = url.searchParams;
	switch (config.dialect) {
		case 'tgi':
			if (url.pathname === '/generate') return tgiGenerate(req, res, query, false);
			if (url.pathname === '/generate_stream') return tgiGenerate(req, res, query, true);
			return undefined;
		case 'llamacpp':
			return url.pathname === '/completion' || url.pathname === '/completions' ? llamaCppCompletion(req, res, query) : undefined;
		case 'ollama':
			if (url.pathname === '/api/generate') return ollama(req, res, query, false);
			if (url.pathname === '/api/chat') return ollama(req, res, query, true);
			return undefined;
		case 'kserve': {
			const match = /^\/v2\/models\/([^/]+)(?:\/versions\/[^/]+)?\/infer$/.exec(url.pathname);
			return match ? kserveInfer(req, res, query, decodeURIComponent(match[1])) : undefined;
		}
		case 'torchserve':
			return /^\/predictions\/[^/]+/.test(url.pathname) ? torchServePredict(req, res, query) : undefined;
		default:
			return undefined;
	}
}

/** `GET` (or `POST`, the method invoke carries) `/v1/models`: the one model this server serves. */
async function models(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	await readBody(req);
	sendJson(res, 200, { object: 'list', data: [{ id: config.modelName, object: 'model', created: STARTED_AT, owned_by: 'sample-model-server' }] });
}

/**
 * A deterministic unit vector for a text, by feature hashing its words (a bag of words): each lower-case word adds
 * +1 or -1 (the sign from its SHA-256) to one component (from the same hash), then the vector is normalised. Texts
 * sharing words point the same way, so a vector store's nearest neighbour is the text with the most words in
 * common (collisions fall with more `dimensions`). A text without a word (punctuation only, empty) gets a vector
 * from the hash of the whole text.
 */
function embeddingOf(text: string, dimensions: number): number[] {
	const values: number[] = new Array<number>(dimensions).fill(0);
	const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
	for (const word of words) {
		const digest = createHash('sha256').update(word).digest();
		values[digest.readUInt32BE(0) % dimensions] += digest[4] & 1 ? -1 : 1;
	}
	if (words.length === 0) {
		for (let i = 0; i < dimensions; i++) values[i] = (createHash('sha256').update(`${i}:${text}`).digest().readUInt32BE(0) / 0xffffffff) * 2 - 1;
	}
	const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
	// Words whose signs cancel out leave a zero vector: fall back to the first component, still a unit vector.
	if (norm === 0) return values.map((_, i) => (i === 0 ? 1 : 0));
	return values.map((value) => value / norm);
}

async function embeddings(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	const body = parseJson(await readBody(req));
	const input = typeof body.input === 'string' ? [body.input] : body.input;
	if (!Array.isArray(input) || input.length === 0 || !input.every((text) => typeof text === 'string')) {
		sendJson(res, 400, { error: { message: '"input" must be a string or a non-empty array of strings', type: 'invalid_request_error' } });
		return;
	}
	const dimensions = boundedInt(body.dimensions, EMBEDDING_DIMENSIONS, 1, MAX_EMBEDDING_DIMENSIONS);
	const base64 = body.encoding_format === 'base64';
	const data = (input as string[]).map((text, index) => {
		const vector = embeddingOf(text, dimensions);
		return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector };
	});
	const tokens = (input as string[]).reduce((sum, text) => sum + text.split(/\s+/).filter(Boolean).length, 0);
	const model = typeof body.model === 'string' && body.model !== '' ? body.model : config.modelName;
	sendJson(res, 200, { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

async function generate(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): Promise<void> {
	const body = parseJson(await readBody(req));
	const shape = streamShape(body, query, { chunks: 5, chunkSize: 8, delayMs: 0 });
	res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
	res.flushHeaders();
	activeStreams++;
	try {
		for (let i = 0; i < shape.chunks; i++) {
			if (shape.delayMs > 0) await sleep(shape.delayMs);
			if (!(await writePiece(res, `${JSON.stringify({ index: i, text: tokenText(i, shape.chunkSize), done: false })}\n`))) return;
		}
		res.end(`${JSON.stringify({ index: shape.chunks, text: '', done: true, chunks: shape.chunks })}\n`);
	} finally {
		activeStreams--;
	}
}

async function echo(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
	const body = await readBody(req);
	const headers: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value === undefined) continue;
		headers[name] = SECRET_HEADERS.has(name) ? '[redacted]' : value;
	}
	sendJson(res, 200, {
		method: req.method,
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		headers,
		body: body.toString('utf8'),
		bodyBytes: body.length,
		deployedModelId: config.deployedModelId,
		model: config.modelName,
	});
}

function metrics(res: http.ServerResponse): void {
	const lines = ['# TYPE sample_requests_total counter'];
	for (const [route, count] of requestCounts) lines.push(`sample_requests_total{route="${route}"} ${count}`);
	lines.push('# TYPE sample_active_streams gauge', `sample_active_streams ${activeStreams}`);
	lines.push('# TYPE sample_uptime_seconds gauge', `sample_uptime_seconds ${process.uptime().toFixed(3)}`);
	res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
	res.end(`${lines.join('\n')}\n`);
}

function healthy(): boolean {
	return !config.neverHealthy && Date.now() >= config.healthyAfter;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://model-server.local');
	const route = `${req.method} ${url.pathname}`;
	requestCounts.set(route, (requestCounts.get(route) ?? 0) + 1);
	if (url.pathname === config.healthRoute || url.pathname === '/health') {
		if (healthy()) sendJson(res, 200, { status: 'ok', model: config.modelName });
		else sendJson(res, 503, { status: 'starting' });
		return;
	}
	const native = dialectRoute(req, res, url);
	if (native) return native;
	if (req.method === 'POST' && url.pathname === '/v1/chat/completions') return chatCompletions(req, res, url.searchParams);
	if ((req.method === 'GET' || req.method === 'POST') && url.pathname === '/v1/models') return models(req, res);
	if (req.method === 'POST' && url.pathname === '/v1/embeddings') return embeddings(req, res);
	if (req.method === 'POST' && url.pathname === '/generate') return generate(req, res, url.searchParams);
	if (url.pathname === '/echo') return echo(req, res, url);
	if (req.method === 'GET' && url.pathname === '/metrics') return metrics(res);
	if (req.method === 'POST' && url.pathname === config.predictRoute) {
		const body = parseJson(await readBody(req));
		const instances = Array.isArray(body.instances) ? body.instances : [];
		sendJson(res, 200, { predictions: instances.map((instance) => ({ echo: instance })), deployedModelId: config.deployedModelId });
		return;
	}
	await readBody(req);
	sendJson(res, 404, { error: { message: `no route ${route}`, type: 'not_found' } });
}

const server = http.createServer((req, res) => {
	handle(req, res).catch((error: unknown) => {
		if (res.headersSent) {
			res.destroy();
			return;
		}
		sendJson(res, 400, { error: { message: error instanceof Error ? error.message : String(error), type: 'bad_request' } });
	});
});
server.listen(config.port, '127.0.0.1', () => {
	process.stderr.write(`sample model server listening on 127.0.0.1:${config.port} (health ${config.healthRoute}, dialect ${config.dialect})\n`);
});

function shutdown(): void {
	server.close();
	server.closeAllConnections();
	setTimeout(() => process.exit(0), 200).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
