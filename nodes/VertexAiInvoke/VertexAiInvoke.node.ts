import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	aggregateChunks,
	detectStreamFormat,
	type InvokeBody,
	type InvokeInput,
	type InvokeResponse,
	type StreamChunk,
	type StreamFormat,
} from '../../lib';
import { clientFromCredential } from '../shared/client';
import { outputItem, runForEachItem } from '../shared/items';
import { sharedMethods } from '../shared/methods';
import { CREDENTIAL_TYPE, endpointLocator } from '../shared/parameters';
import { commaList, keyValuePairs } from '../shared/values';

const STREAM_FORMATS: ReadonlySet<StreamFormat> = new Set(['sse', 'ndjson', 'lines']);

/** Used both as the option's default and when the option was not added (a collection then omits it). */
const DEFAULT_INCLUDE_HEADERS = 'content-type, x-vertex-ai-deployed-model-id';

const parameterLabels: Record<string, string> = {
	path: 'Path',
	allowedPathPrefixes: 'Allowed Path Prefixes',
	endpoint: 'Endpoint',
	deployedModelId: 'Deployed Model',
	headers: 'Headers',
	body: 'Body',
	timeoutMs: 'Timeout (Seconds)',
};

async function bodyOf(ctx: IExecuteFunctions, i: number): Promise<InvokeBody | undefined> {
	switch (ctx.getNodeParameter('bodyType', i) as string) {
		case 'json': {
			const raw = ctx.getNodeParameter('jsonBody', i, '{}') as unknown;
			if (typeof raw !== 'string') return { kind: 'json', value: raw };
			// Sent as the user wrote it (key order, spacing), once it is known to be JSON at all.
			try {
				JSON.parse(raw);
			} catch (error) {
				throw new NodeOperationError(
					ctx.getNode(),
					`JSON Body is not valid JSON (${(error as Error).message}). Fix it, or choose Raw Text as the body.`,
					{ itemIndex: i, description: 'Check the parameter "JSON Body".' },
				);
			}
			return { kind: 'text', value: raw, contentType: 'application/json' };
		}
		case 'text':
			return {
				kind: 'text',
				value: ctx.getNodeParameter('textBody', i, '') as string,
				contentType: ctx.getNodeParameter('contentType', i, '') as string,
			};
		case 'binary': {
			const property = ctx.getNodeParameter('binaryPropertyName', i) as string;
			const binary = ctx.helpers.assertBinaryData(i, property);
			const value = await ctx.helpers.getBinaryDataBuffer(i, property);
			return { kind: 'bytes', value, contentType: binary.mimeType };
		}
		default:
			return undefined;
	}
}

function invokeInput(ctx: IExecuteFunctions, i: number, options: IDataObject, body?: InvokeBody): InvokeInput {
	const pinned = ctx.getNodeParameter('target', i, 'trafficSplit') === 'deployedModel';
	return {
		endpoint: ctx.getNodeParameter('endpoint', i, undefined, { extractValue: true }) as string,
		path: (ctx.getNodeParameter('path', i) as string).trim(),
		body,
		headers: Object.fromEntries(keyValuePairs(ctx.getNodeParameter('headers', i, {}), 'header')),
		deployedModelId: pinned
			? (ctx.getNodeParameter('deployedModel', i, undefined, { extractValue: true }) as string)
			: undefined,
		allowedPathPrefixes: commaList(options.allowedPathPrefixes),
		retry: options.retry === true,
		timeoutMs: ((options.timeoutSeconds as number | undefined) ?? 600) * 1000,
	};
}

/** The response facts every output item carries: status, the deployed model and the headers asked for. */
function responseFields(response: InvokeResponse, includeHeaders: string[]): IDataObject {
	const all = includeHeaders.includes('*');
	const wanted = new Set(includeHeaders.map((name) => name.toLowerCase()));
	const headers = Object.fromEntries(
		Object.entries(response.headers).filter(([name]) => all || wanted.has(name)),
	);
	return { status: response.status, deployedModelId: response.deployedModelId ?? null, headers };
}

function chunkJson(chunk: StreamChunk): IDataObject {
	return {
		chunkIndex: chunk.index,
		event: chunk.event ?? null,
		id: chunk.id ?? null,
		data: chunk.data as IDataObject,
		text: chunk.text ?? null,
	};
}

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
		properties: [
			endpointLocator,
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: '/v1/chat/completions',
				required: true,
				placeholder: 'e.g. /v1/chat/completions',
				description:
					'Route of the model server to call, starting with /. Any path but the root; the request is sent with POST, the method Vertex AI documents for invoke.',
			},
			{
				displayName: 'Target',
				name: 'target',
				type: 'options',
				options: [
					{
						name: 'Traffic Split',
						value: 'trafficSplit',
						description: "Let the endpoint's traffic split pick a deployed model",
					},
					{ name: 'One Deployed Model', value: 'deployedModel', description: 'Bypass the traffic split' },
				],
				default: 'trafficSplit',
				description: 'Which deployed model on the endpoint answers',
			},
			{
				displayName: 'Deployed Model',
				name: 'deployedModel',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				required: true,
				description: 'The deployed model to call, whatever its share of the traffic',
				displayOptions: { show: { target: ['deployedModel'] } },
				modes: [
					{
						displayName: 'From List',
						name: 'list',
						type: 'list',
						placeholder: 'Select a deployed model...',
						typeOptions: { searchListMethod: 'searchDeployedModels', searchable: true },
					},
					{
						displayName: 'By ID',
						name: 'id',
						type: 'string',
						placeholder: 'e.g. 1206978444030640128',
						validation: [
							{
								type: 'regex',
								properties: { regex: '^[0-9]{1,20}$', errorMessage: 'A deployed model ID is a number' },
							},
						],
					},
				],
			},
			{
				displayName: 'Body',
				name: 'bodyType',
				type: 'options',
				options: [
					{ name: 'JSON', value: 'json', description: 'Send the JSON Body below, as written' },
					{ name: 'Raw Text', value: 'text', description: 'Send text with the content type of your choice' },
					{ name: 'Binary File', value: 'binary', description: 'Send a binary property of the input item' },
					{ name: 'None', value: 'none', description: 'Send an empty body' },
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
				description: 'Sent to the model server as they are; Authorization and Host are set by the node',
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
			{
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
				displayOptions: { show: { responseFormat: ['auto', 'sse', 'ndjson', 'lines'] } },
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
						displayName: 'Concurrency',
						name: 'concurrency',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 64 },
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
							'Whether to send each chunk to the caller as it arrives when the workflow streams its response (e.g. a Webhook in Streaming mode)',
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
		],
	};

	methods = sharedMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const client = clientFromCredential(await this.getCredentials(CREDENTIAL_TYPE));
		const concurrency = (this.getNodeParameter('options.concurrency', 0, 1) as number) || 1;

		return await runForEachItem(
			this,
			async (i, signal): Promise<INodeExecutionData[]> => {
				const options = this.getNodeParameter('options', i, {}) as IDataObject;
				const input = invokeInput(this, i, options, await bodyOf(this, i));
				const response = await client.invoke(input, { signal });
				const fields = responseFields(response, commaList(options.includeHeaders ?? DEFAULT_INCLUDE_HEADERS));

				const chosen = this.getNodeParameter('responseFormat', i, 'auto') as StreamFormat | 'auto';
				const format = chosen === 'auto' ? detectStreamFormat(response.contentType) : chosen;
				if (!STREAM_FORMATS.has(format)) {
					return [await wholeBodyItem(this, i, response, format, fields, options)];
				}

				const decoded = response.chunks({ format });
				const live = options.forwardLive !== false && this.isStreaming();
				const forwarded = live ? forwardLive(this, i, decoded) : decoded;
				if (this.getNodeParameter('streamOutput', i, 'chunks') === 'aggregate') {
					const summary = await aggregateChunks(forwarded);
					return [
						outputItem(i, {
							...fields,
							text: summary.text,
							chunkCount: summary.chunkCount,
							usage: (summary.usage as IDataObject) ?? null,
							format: decoded.format,
						}),
					];
				}
				const items: INodeExecutionData[] = [];
				for await (const chunk of forwarded) items.push(outputItem(i, { ...chunkJson(chunk), ...fields }));
				return items;
			},
			{ concurrency, parameterOf: (field) => parameterLabels[field] },
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
	options: IDataObject,
): Promise<INodeExecutionData> {
	if (format === 'json') return outputItem(itemIndex, { ...fields, body: (await response.json()) as IDataObject });
	if (format === 'text') return outputItem(itemIndex, { ...fields, body: await response.text() });
	const property = (options.outputBinaryPropertyName as string | undefined) || 'data';
	const bytes = await response.readAll();
	const binary = await ctx.helpers.prepareBinaryData(
		bytes,
		fileNameOf(response.headers['content-disposition']),
		response.contentType || undefined,
	);
	return outputItem(itemIndex, { ...fields, binaryProperty: property }, { [property]: binary });
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

/** Passes chunks through while sending each to the workflow's streaming caller as it arrives. */
async function* forwardLive(
	ctx: IExecuteFunctions,
	itemIndex: number,
	chunks: AsyncIterable<StreamChunk>,
): AsyncGenerator<StreamChunk> {
	ctx.sendChunk('begin', itemIndex);
	try {
		for await (const chunk of chunks) {
			ctx.sendChunk('item', itemIndex, chunk.text ?? chunk.raw);
			yield chunk;
		}
	} finally {
		ctx.sendChunk('end', itemIndex);
	}
}
