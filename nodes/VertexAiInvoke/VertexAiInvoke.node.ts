import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { Readable } from 'node:stream';

import {
	aggregateChunks,
	checkInvokeInput,
	DEFAULT_MAX_CHUNKS,
	DEFAULT_MAX_STREAM_BYTES,
	INVOKE_DEFAULT_MAX_RESPONSE_BYTES,
	detectStreamFormat,
	type InvokeBody,
	type InvokeInput,
	type InvokeResponse,
	type StreamChunk,
	type StreamFormat,
} from '../../lib';
import { nodeRun } from '../shared/client';
import { requestHeaders } from '../shared/headers';
import { outputItem } from '../shared/items';
import { sharedMethods } from '../shared/methods';
import { endpointLocator, formatNotice, fromIncomingItem, targetParameters, wiringNotice } from '../shared/parameters';
import type { ParameterReader } from '../shared/read';
import { commaList } from '../shared/values';

import { forwardLive } from './live-forwarding';

const MB = 1024 * 1024;
const DEFAULT_MAX_RESPONSE_MB = INVOKE_DEFAULT_MAX_RESPONSE_BYTES / MB;
const STREAM_FORMATS: ReadonlySet<StreamFormat> = new Set(['sse', 'ndjson', 'lines']);

/** Used both as the option's default and when the option was not added (a collection then omits it). */
const DEFAULT_INCLUDE_HEADERS = 'content-type, x-vertex-ai-deployed-model-id';

/** Core field paths to the parameters that set them, for the core's validation errors. */
const CORE_FIELDS: Record<string, string> = {
	path: 'path',
	allowedPathPrefixes: 'options.allowedPathPrefixes',
	endpoint: 'endpoint',
	deployedModelId: 'deployedModel',
	headers: 'headers',
	body: 'bodyType',
	timeoutMs: 'options.timeoutSeconds',
	maxBytes: 'options.maxResponseMb',
	maxStreamBytes: 'options.maxResponseMb',
	maxChunks: 'options.maxChunks',
	prompt: 'prompt',
};

/** A route of the model server: "/" first, one line (the core checks the rest of its grammar). */
const ROUTE = /^\/[^\p{Cc}]*$/u;
const ROUTE_RULE = 'a path starting with "/", on one line, e.g. /v1/chat/completions';
const PREFIX = /^\/[^\s\p{Cc}]*$/u;
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;[^\p{Cc}]*)?$/u;
/** An output binary field: a plain name (not "__proto__" or one with spaces). */
const FIELD_NAME = /^(?!__proto__$)[A-Za-z0-9_.-]+$/;
const HEADER_LIST = /^(\*|[!#$%&'*+.^_`|~0-9A-Za-z-]+)(\s*,\s*(\*|[!#$%&'*+.^_`|~0-9A-Za-z-]+))*$/;

/**
 * What the core refuses in a path (lib/invoke/path.ts), as one regular expression the editor can test while the user
 * types: not starting with "/", the root alone, "//", "." or ".." segments (also as %2e), "?", "#", a backslash, an
 * encoded slash or backslash, a "%" that starts no escape. The run checks the path in full again.
 */
const REFUSED_PATH = String.raw`^(?!/)|^/$|//|/(?:\.|%2[eE]){1,2}(?:[/;]|$)|[?#\\]|%(?:2[fF]|5[cC])|%(?![0-9A-Fa-f]{2})`;

/** Whether the node runs as its tool twin (for an AI agent or an MCP client), where it answers in fewer words. */
function runsAsTool(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool') || (typeof ctx.isToolExecution === 'function' && ctx.isToolExecution());
}

/** What the node's settings say about every item alike, read once per run (n8n copies the node on each getNode). */
interface NodeFacts {
	/** Runs as a tool (see runsAsTool). */
	asTool: boolean;
	/** Has the tool's Prompt field. */
	hasPrompt: boolean;
}

function nodeFacts(ctx: IExecuteFunctions): NodeFacts {
	return { asTool: runsAsTool(ctx), hasPrompt: Object.hasOwn(ctx.getNode().parameters, 'prompt') };
}

/**
 * The JSON body with the tool's prompt filled in: the content of its last "user" message when it has "messages"
 * (OpenAI chat; a user message is added when there is none), else its "prompt" field.
 */
function withPrompt(read: ParameterReader, i: number, body: unknown, prompt: string): Record<string, unknown> {
	if (body === null || typeof body !== 'object' || Array.isArray(body)) {
		throw read.error(i, 'prompt', `${read.where('prompt')} is filled into a JSON Body that is an object (such as {"messages": [...]}); this JSON Body is not one.`);
	}
	const filled = { ...(body as Record<string, unknown>) };
	if (!Array.isArray(filled.messages)) return { ...filled, prompt };
	const messages = [...(filled.messages as unknown[])];
	const last = messages.map((message) => (message as { role?: unknown } | null)?.role).lastIndexOf('user');
	if (last === -1) messages.push({ role: 'user', content: prompt });
	else messages[last] = { ...(messages[last] as object), content: prompt };
	return { ...filled, messages };
}

/**
 * The request body of an item. `check` reads and checks everything but does not load a binary file's bytes (the
 * check of all items before the first request must not hold every item's file in memory).
 */
async function bodyOf(
	ctx: IExecuteFunctions,
	read: ParameterReader,
	node: NodeFacts,
	i: number,
	check = false,
): Promise<InvokeBody | undefined> {
	switch (read.option(i, 'bodyType')) {
		case 'json': {
			const { text, value } = read.json(i, 'jsonBody');
			// The tool's prompt (shown only in the tool twin, and only while the body has no $fromAI of its own).
			if (node.hasPrompt) {
				const prompt = read.text(i, 'prompt', { required: true, trim: false });
				return { kind: 'json', value: withPrompt(read, i, text === undefined ? value : JSON.parse(text), prompt) };
			}
			// Text is sent as the user wrote it (key order, spacing), once it is known to be JSON at all.
			return text === undefined ? { kind: 'json', value } : { kind: 'text', value: text, contentType: 'application/json' };
		}
		case 'item':
			// The item itself: n8n hands the node its input items, so no expression has to build them again.
			return { kind: 'json', value: ctx.getInputData()[i]?.json ?? {} };
		case 'text':
			return {
				kind: 'text',
				value: read.checkText(i, 'textBody', read.raw(i, 'textBody'), { trim: false }),
				contentType: read.text(i, 'contentType', { pattern: MEDIA_TYPE, rule: 'a media type such as text/plain; charset=utf-8' }),
			};
		case 'binary': {
			const property = read.text(i, 'binaryPropertyName', { required: true });
			let binary;
			try {
				binary = ctx.helpers.assertBinaryData(i, property);
			} catch (error) {
				throw read.error(i, 'binaryPropertyName', (error as Error).message);
			}
			if (check) return { kind: 'bytes', value: new Uint8Array(), contentType: binary.mimeType };
			const value = await ctx.helpers.getBinaryDataBuffer(i, property);
			return { kind: 'bytes', value, contentType: binary.mimeType };
		}
		default:
			return undefined;
	}
}

/**
 * Everything an item sends and how its answer is read, all checked before the request (and, with `check`, before any
 * item's request: then a binary body's bytes are not loaded).
 */
async function requestOf(ctx: IExecuteFunctions, read: ParameterReader, node: NodeFacts, i: number, check = false) {
	const pinned = read.option(i, 'target') === 'deployedModel';
	const prefixes = commaList(read.text(i, 'options.allowedPathPrefixes'));
	for (const prefix of prefixes) {
		read.checkText(i, 'options.allowedPathPrefixes', prefix, { pattern: PREFIX, rule: 'paths starting with "/", separated by commas' });
	}
	const input: InvokeInput = {
		endpoint: read.locator(i, 'endpoint'),
		path: read.text(i, 'path', { required: true, pattern: ROUTE, rule: ROUTE_RULE }),
		headers: requestHeaders(read, i),
		deployedModelId: pinned ? read.locator(i, 'deployedModel') : undefined,
		allowedPathPrefixes: prefixes,
		retry: read.boolean(i, 'options.retry'),
		timeoutMs: read.number(i, 'options.timeoutSeconds') * 1000,
	};
	const limits = {
		maxBytes: read.number(i, 'options.maxResponseMb') * MB,
		maxChunks: read.number(i, 'options.maxChunks'),
	};
	const output = {
		format: read.option<StreamFormat | 'auto'>(i, 'responseFormat'),
		aggregate: read.option(i, 'streamOutput') === 'aggregate',
		forwardLive: read.boolean(i, 'options.forwardLive'),
		coalesceMs: read.number(i, 'options.coalesceLiveChunksMs'),
		includeHeaders: commaList(
			read.text(i, 'options.includeHeaders', { pattern: HEADER_LIST, rule: 'header names separated by commas, or *' }),
		),
		binaryProperty:
			read.text(i, 'options.outputBinaryPropertyName', {
				pattern: FIELD_NAME,
				rule: 'a field name of letters, digits, "_", "-" and "."',
			}) || 'data',
		detailsOnEveryChunk: read.boolean(i, 'options.responseDetailsOnEveryChunk'),
		dataOnTextChunks: read.boolean(i, 'options.dataOnTextChunks'),
		asTool: node.asTool,
	};
	input.body = await bodyOf(ctx, read, node, i, check);
	// The core's own checks of path (its full grammar, the allowed prefixes), headers and timeout, sending nothing,
	// in the pass over all items before the first request (the core checks the same again as it builds each one).
	if (check) checkInvokeInput(input);
	return { input, output: { ...output, limits } };
}

type InvokeRequest = Awaited<ReturnType<typeof requestOf>>;

/** The response facts: status, the deployed model (when Vertex AI named it) and the headers asked for. */
function responseFields(response: InvokeResponse, includeHeaders: string[]): IDataObject {
	const all = includeHeaders.includes('*');
	const wanted = new Set(includeHeaders.map((name) => name.toLowerCase()));
	const headers = Object.fromEntries(
		Object.entries(response.headers).filter(([name]) => all || wanted.has(name)),
	);
	return { status: response.status, deployedModelId: response.deployedModelId ?? null, headers };
}

/**
 * A chunk as an item: its text first (what the output table should show), then the chunk index, the SSE event and
 * id when the stream gave them, and the parsed data; nothing that is null. `details` (the response facts) follow on
 * the first chunk only, unless "Include Response Details on Every Chunk" asks for them on each: a 50,000-chunk
 * stream then carries them once, not 50,000 times. Without `dataOnTextChunks` a chunk that has its text leaves its
 * parsed data out (an OpenAI chunk's data repeats the text among ids and timestamps): 50,000 chunks then make 3.8
 * instead of 13.2 MiB of JSON (bench part 6b).
 */
export function chunkItemJson(chunk: StreamChunk, details?: IDataObject, dataOnTextChunks = true): IDataObject {
	const json: IDataObject = {};
	if (chunk.text !== undefined && chunk.text !== null) json.text = chunk.text;
	json.chunkIndex = chunk.index;
	if (chunk.event !== undefined && chunk.event !== null) json.event = chunk.event;
	if (chunk.id !== undefined && chunk.id !== null) json.id = chunk.id;
	const hasText = json.text !== undefined;
	if (chunk.data !== undefined && chunk.data !== null && (dataOnTextChunks || !hasText)) json.data = chunk.data as IDataObject;
	if (details) {
		for (const [name, value] of Object.entries(details)) if (value !== null && value !== undefined) json[name] = value;
	}
	return json;
}

const STREAMED_OUTPUT: INodeProperties = {
	displayName: 'Streamed Output',
	name: 'streamOutput',
	type: 'options',
	options: [
		{ name: 'One Item per Chunk', value: 'chunks', description: 'Each event or line becomes an item' },
		{
			name: 'One Aggregated Item',
			value: 'aggregate',
			description: 'Joined text, chunk count and final usage in one item',
		},
	],
	default: 'chunks',
	description: 'What a streamed response (SSE, NDJSON or lines) turns into',
	displayOptions: { show: { '@tool': [false], responseFormat: ['auto', 'sse', 'ndjson', 'lines'] } },
};

const properties: INodeProperties[] = [
	fromIncomingItem(endpointLocator, 'endpointId'),
	wiringNotice(
		'endpoint',
		'endpointId',
		'By default Endpoint is the endpointId of the incoming item, as Create Dedicated Endpoint and Deploy Model output it. Pick From List to always call one endpoint.',
	),
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '/v1/chat/completions',
		required: true,
		placeholder: 'e.g. /v1/chat/completions',
		description:
			'Route of the model server to call, starting with /. Any path but the root; the request is sent with POST, the method Vertex AI documents for invoke.',
		hint: "The emulator's sample server (Image URI emulator/sample-model-server) answers /v1/chat/completions (OpenAI chat; streamed with \"stream\": true), /generate (NDJSON lines) and /echo",
	},
	formatNotice(
		'path',
		`(?![\\s\\S]*(?:${REFUSED_PATH}))[\\s\\S]*`,
		'This path would be refused: it must start with "/" and name a route other than "/", without "//", "." or ".." segments, "?", "#", backslashes or encoded slashes (%2F, %5C); write %25 for a "%".',
	),
	...targetParameters('The deployedModelId that Deploy Model outputs'),
	{
		displayName: 'Body',
		name: 'bodyType',
		type: 'options',
		options: [
			{ name: 'Binary File', value: 'binary', description: 'Send a binary property of the input item' },
			{
				name: 'Input Item (JSON)',
				value: 'item',
				description: "Send each input item's JSON as the body, as it is: no expression to write (or to evaluate for every item)",
			},
			{ name: 'JSON', value: 'json', description: 'Send the JSON Body below, as written' },
			{ name: 'None', value: 'none', description: 'Send an empty body' },
			{ name: 'Raw Text', value: 'text', description: 'Send text with the content type of your choice' },
		],
		default: 'json',
		description: 'What the request body is made of',
	},
	{
		displayName: 'JSON Body',
		name: 'jsonBody',
		type: 'json',
		default: '{\n  "messages": [{ "role": "user", "content": "Hello!" }],\n  "stream": true\n}',
		description: 'Sent as written. Ask the model server for a streamed answer in the body itself, e.g. "stream": true.',
		displayOptions: { show: { bodyType: ['json'] } },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 2 },
		default: "={{ $fromAI('prompt', 'The message to send to the model', 'string') }}",
		description:
			'What the agent or MCP client asks, filled into the JSON Body: as the content of its last "user" message when the body has "messages" (OpenAI chat), else as its "prompt" field. Write $fromAI(...) into the JSON Body yourself instead, and this field goes away.',
		hint: 'The tool offers one input, prompt, and answers with the text of the reply',
		// Only in the tool twin (n8n names it "...Tool"), and only while the JSON Body has no $fromAI of its own.
		displayOptions: { show: { '@tool': [true], bodyType: ['json'] }, hide: { jsonBody: [{ _cnd: { includes: '$fromAI' } }] } },
	},
	{
		displayName: 'Text Body',
		name: 'textBody',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'Sent byte for byte as UTF-8',
		displayOptions: { show: { bodyType: ['text'] } },
	},
	{
		displayName: 'Content Type',
		name: 'contentType',
		type: 'string',
		default: 'text/plain; charset=utf-8',
		description: 'The Content-Type header of the text body',
		displayOptions: { show: { bodyType: ['text'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary property of the input item to send; its MIME type is the content type',
		displayOptions: { show: { bodyType: ['binary'] } },
	},
	{
		displayName: 'Headers',
		name: 'headers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Header',
		default: {},
		description:
			'Sent to the model server as given. Refused before any request: Authorization and Host (the node sets them), X-Goog-* such as X-Goog-User-Project (read by Google), X-HTTP-Method-Override, Forwarded, X-Forwarded-* and X-Real-IP, and Content-Length, Transfer-Encoding, Connection, Keep-Alive, TE, Trailer, Upgrade and Expect (the HTTP client sets them). Values must be one line of Latin-1 text.',
		options: [
			{
				displayName: 'Header',
				name: 'header',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Response Format',
		name: 'responseFormat',
		type: 'options',
		options: [
			{ name: 'Auto-Detect From Content-Type', value: 'auto' },
			{ name: 'Binary File', value: 'binary' },
			{ name: 'JSON', value: 'json' },
			{ name: 'Line Stream', value: 'lines' },
			{ name: 'NDJSON Stream', value: 'ndjson' },
			{ name: 'Server-Sent Events Stream', value: 'sse' },
			{ name: 'Text', value: 'text' },
		],
		default: 'auto',
		description:
			'How to read the answer. Auto-detect reads text/event-stream as SSE, NDJSON types as NDJSON, JSON types as JSON, other text as text, and anything else as a file.',
	},
	STREAMED_OUTPUT,
	// As a tool, one answer is what an agent can use: the joined text.
	{
		displayName: 'Streamed Output',
		name: 'streamOutput',
		type: 'options',
		options: STREAMED_OUTPUT.options,
		default: 'aggregate',
		description: STREAMED_OUTPUT.description,
		displayOptions: { show: { '@tool': [true], responseFormat: ['auto', 'sse', 'ndjson', 'lines'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Allowed Path Prefixes',
				name: 'allowedPathPrefixes',
				type: 'string',
				default: '',
				placeholder: 'e.g. /v1/chat, /generate',
				description:
					'Comma-separated. When set, only paths under these prefixes may be called: a guard for routes the server should not expose to this workflow.',
			},
			{
				displayName: 'Coalesce Live Chunks (Ms)',
				name: 'coalesceLiveChunksMs',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10000, numberPrecision: 0 },
				default: 50,
				description:
					'When chunks are forwarded live: the texts of chunks arriving within this many milliseconds go to the caller as one message; 0 sends each chunk on its own. The first chunk goes out at once and no text waits longer than this. The output items stay one per chunk. Fewer messages matter most in queue mode, where each is a round trip through Redis.',
			},
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 64, numberPrecision: 0 },
				default: 1,
				description:
					'How many input items are sent at once. Outputs keep the input order. The model server and its quota must cope with that many parallel requests.',
			},
			{
				displayName: 'Forward Chunks Live',
				name: 'forwardLive',
				type: 'boolean',
				default: true,
				description:
					'Whether to send chunks on to the caller as they arrive when the workflow streams its response (e.g. a Webhook in Streaming mode); see Coalesce Live Chunks (Ms)',
			},
			{
				displayName: 'Include Parsed Data on Text Chunks',
				name: 'dataOnTextChunks',
				type: 'boolean',
				default: true,
				description:
					'Whether a chunk item that has its text also carries the parsed event (data). Off: only chunks without text (tool calls, the finish reason, usage) carry it, and a long stream\'s execution data is a fraction of the size.',
			},
			{
				displayName: 'Include Response Details on Every Chunk',
				name: 'responseDetailsOnEveryChunk',
				type: 'boolean',
				default: false,
				description:
					'Whether every chunk item carries status, deployedModelId and headers. Off: only the first chunk does (a long stream then holds them once, not once per chunk).',
			},
			{
				displayName: 'Include Response Headers',
				name: 'includeHeaders',
				type: 'string',
				default: DEFAULT_INCLUDE_HEADERS,
				description:
					'Comma-separated names of response headers to put in the output field "headers"; * for all. Without this option: Content-Type and X-Vertex-AI-Deployed-Model-ID (names are matched case-insensitively).',
			},
			{
				displayName: 'Max Chunks',
				name: 'maxChunks',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10_000_000, numberPrecision: 0 },
				default: DEFAULT_MAX_CHUNKS,
				description:
					'Most chunks a streamed answer may have (each becomes an item); a longer stream stops with an error naming this option. Streams also stop after 1 GiB.',
			},
			{
				displayName: 'Max Response Size (MB)',
				name: 'maxResponseMb',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 4096, numberPrecision: 0 },
				default: DEFAULT_MAX_RESPONSE_MB,
				description:
					'Largest answer read whole (JSON, text or a file), in MiB; a larger one stops with an error naming this option, before it fills the memory. Streamed answers may carry the larger of this and 1 GiB.',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'outputBinaryPropertyName',
				type: 'string',
				default: 'data',
				hint: 'The name of the output binary field to put the file in',
				description: 'Used when the answer is read as a file (Response Format "Binary File", or auto-detected)',
			},
			{
				displayName: 'Retry on 429 and 503',
				name: 'retry',
				type: 'boolean',
				default: false,
				description:
					'Whether to retry when Vertex AI answers 429 or 503 before any byte of the response was read. Off by default: a retried call may run twice on the server.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3600 },
				default: 600,
				description: 'How long to wait for the response to start, and at most between two chunks',
			},
		],
	},
];

export class VertexAiInvoke implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vertex AI Invoke',
		name: 'vertexAiInvoke',
		icon: { light: 'file:../shared/vertexAi.svg', dark: 'file:../shared/vertexAi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"POST " + $parameter["path"]}}',
		description:
			"Send a request to any route of a model server on a dedicated Vertex AI endpoint (Vertex's invoke API) and return its answer: JSON, text, a file, or a streamed reply as chunks or one joined text",
		defaults: { name: 'Vertex AI Invoke' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'googleVertexAiApi', required: true, testedBy: 'googleVertexAiCredentialTest' }],
		properties,
	};

	methods = sharedMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { read, runItems } = nodeRun(this, properties, CORE_FIELDS);
		const node = nodeFacts(this);
		/**
		 * The requests built by the check of every item before the first is sent, kept for the send: n8n evaluates an
		 * expression anew on each read, and a batch should pay for its JSON Body once per item, not twice. A binary
		 * body is left out (the check does not load the file), so that item is built again when it is sent.
		 */
		const checked = new Map<number, InvokeRequest>();
		return await runItems(
			async (i, signal, client): Promise<INodeExecutionData[]> => {
				const { input, output } = checked.get(i) ?? (await requestOf(this, read, node, i));
				checked.delete(i);
				const response = await client.invoke(input, { signal });
				// As a tool the answer is what counts: the text, or the body; status and headers stay out.
				const fields = output.asTool ? {} : responseFields(response, output.includeHeaders);

				const format = output.format === 'auto' ? detectStreamFormat(response.contentType) : output.format;
				if (!STREAM_FORMATS.has(format)) {
					return [await wholeBodyItem(this, i, response, format, fields, output.binaryProperty, output.limits.maxBytes)];
				}

				const decoded = response.chunks({
					format,
					maxChunks: output.limits.maxChunks,
					maxStreamBytes: Math.max(DEFAULT_MAX_STREAM_BYTES, output.limits.maxBytes),
				});
				const live = output.forwardLive && this.isStreaming();
				const forwarded = live ? forwardLive(this, i, decoded, { coalesceMs: output.coalesceMs }) : decoded;
				if (output.aggregate) {
					const summary = await aggregateChunks(forwarded);
					if (output.asTool) return [outputItem(i, { text: summary.text })];
					return [
						outputItem(i, {
							text: summary.text,
							chunkCount: summary.chunkCount,
							usage: (summary.usage as IDataObject) ?? null,
							format: decoded.format,
							...fields,
						}),
					];
				}
				const items: INodeExecutionData[] = [];
				for await (const chunk of forwarded) {
					const details = items.length === 0 || output.detailsOnEveryChunk ? fields : undefined;
					items.push(outputItem(i, chunkItemJson(chunk, details, output.dataOnTextChunks)));
				}
				return items;
			},
			{
				concurrency: () => read.number(0, 'options.concurrency'),
				prepare: async (i) => {
					const request = await requestOf(this, read, node, i, true);
					if (request.input.body?.kind !== 'bytes') checked.set(i, request);
				},
			},
		);
	}
}

/** A response that is not a stream: one item with the parsed JSON, the text, or a binary property. */
async function wholeBodyItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	response: InvokeResponse,
	format: StreamFormat,
	fields: IDataObject,
	property: string,
	maxBytes: number,
): Promise<INodeExecutionData> {
	if (format === 'json') return outputItem(itemIndex, { ...fields, body: (await response.json({ maxBytes })) as IDataObject });
	if (format === 'text') return outputItem(itemIndex, { ...fields, body: await response.text({ maxBytes }) });
	// A file streams into n8n's binary data (to disk or object storage when n8n is set up so), not through one Buffer.
	const binary = await ctx.helpers.prepareBinaryData(
		Readable.from(bytesOf(response.chunks({ format: 'binary', maxStreamBytes: maxBytes }))),
		fileNameOf(response.headers['content-disposition']),
		response.contentType || undefined,
	);
	return outputItem(itemIndex, { ...fields, binaryProperty: property }, { [property]: binary });
}

/** The bytes of binary chunks, for a Readable. */
async function* bytesOf(chunks: AsyncIterable<StreamChunk>): AsyncGenerator<Buffer> {
	for await (const chunk of chunks) yield chunk.data as Buffer;
}

/** The file name a model server gives in `Content-Disposition: attachment; filename="x.wav"`, if any. */
function fileNameOf(contentDisposition: string | undefined): string | undefined {
	const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(contentDisposition ?? '');
	if (!match) return undefined;
	try {
		return decodeURIComponent(match[1]).trim() || undefined;
	} catch {
		return match[1].trim() || undefined;
	}
}
