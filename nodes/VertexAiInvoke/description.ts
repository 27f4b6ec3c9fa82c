import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_CHUNKS, INVOKE_DEFAULT_MAX_RESPONSE_BYTES, INVOKE_REFUSED_PATH_PATTERN } from '../../lib';
import { endpointLocator, formatNotice, fromIncomingItem, targetParameters, wiringNotice } from '../shared/parameters';
import { connectionProperties } from '../shared/privateEndpoint';

export const MB = 1024 * 1024;
const DEFAULT_MAX_RESPONSE_MB = INVOKE_DEFAULT_MAX_RESPONSE_BYTES / MB;

/** Used both as the option's default and when the option was not added (a collection then omits it). */
const DEFAULT_INCLUDE_HEADERS = 'content-type, x-vertex-ai-deployed-model-id';

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

/** The Invoke node's parameters (the node file holds the rest of its description). */
export const invokeProperties: INodeProperties[] = [
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
		`(?![\\s\\S]*(?:${INVOKE_REFUSED_PATH_PATTERN}))[\\s\\S]*`,
		'This path would be refused: it must start with "/" and name a route other than "/", without "//", "." or ".." segments, "?", "#", backslashes or encoded slashes (%2F, %5C); write %25 for a "%".',
	),
	...targetParameters('The deployedModelId that Deploy Model outputs'),
	...connectionProperties,
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
				displayName: 'Text Field',
				name: 'textField',
				type: 'string',
				default: '',
				placeholder: 'e.g. result.output or outputs[0].data[0]',
				description:
					'The JSON path of the generated text in each chunk or answer, for a server whose shape is not recognised. Empty: the text (and reasoning) of OpenAI, vLLM, TGI, llama.cpp, Ollama, KServe v2 / Triton and TorchServe answers is found without it.',
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
