import type { IExecuteFunctions } from 'n8n-workflow';

import {
	HEADER_NAME_LIST_PATTERN,
	HEADER_NAME_LIST_RULE,
	INVOKE_PATH_LINE,
	INVOKE_PATH_LINE_RULE,
	MEDIA_TYPE_PATTERN,
	MEDIA_TYPE_RULE,
	parseTextPath,
	prepareInvoke,
	SERVER_ROUTE,
	withInvokeBody,
	type InvokeBody,
	type PreparedInvoke,
	type PrivateEndpointOptions,
	type StreamFormat,
	type TextPath,
} from '../../lib';
import { requestHeaders } from '../shared/headers';
import { PRIVATE_ENDPOINT_FIELDS, privateEndpointOf } from '../shared/privateEndpoint';
import type { ParameterReader } from '../shared/read';
import { commaList } from '../shared/values';

import { MB } from './description';

/** Core field paths to the parameters that set them, for the core's validation errors. */
export const CORE_FIELDS: Record<string, string> = {
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
	...PRIVATE_ENDPOINT_FIELDS,
};

/** An output binary field: a plain name (not "__proto__" or one with spaces). */
const FIELD_NAME = /^(?!__proto__$)[A-Za-z0-9_.-]+$/;

/** Whether the node runs as its tool twin (for an AI agent or an MCP client), where it answers in fewer words. */
function runsAsTool(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool') || (typeof ctx.isToolExecution === 'function' && ctx.isToolExecution());
}

/** What the node's settings say about every item alike, read once per run (n8n copies the node on each getNode). */
export interface NodeFacts {
	/** Runs as a tool (see runsAsTool). */
	asTool: boolean;
	/** Has the tool's Prompt field. */
	hasPrompt: boolean;
}

export function nodeFacts(ctx: IExecuteFunctions): NodeFacts {
	return { asTool: runsAsTool(ctx), hasPrompt: Object.hasOwn(ctx.getNode().parameters, 'prompt') };
}

/** How an item's answer is read and turned into items. */
export interface OutputSettings {
	format: StreamFormat | 'auto';
	aggregate: boolean;
	forwardLive: boolean;
	coalesceMs: number;
	includeHeaders: string[];
	binaryProperty: string;
	detailsOnEveryChunk: boolean;
	dataOnTextChunks: boolean;
	asTool: boolean;
	limits: { maxBytes: number; maxChunks: number };
	/** "Text Field": where the text is, for a server whose shape is not recognised. */
	textPath?: TextPath;
}

/**
 * An item's request, checked by the core, and how its answer is read. A binary body is not loaded here (every
 * item is prepared before the first is sent, and must not hold its file meanwhile): `binary` says what to load.
 */
export interface ItemRequest {
	prepared: PreparedInvoke;
	/** The Private Service Connect address (and its TLS choice) to call instead of the dedicated DNS. */
	privateEndpoint?: PrivateEndpointOptions;
	binary?: { property: string; contentType?: string };
	output: OutputSettings;
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

/** The request body of an item; a binary body stands as an empty one of its content type until it is loaded. */
function bodyOf(ctx: IExecuteFunctions, read: ParameterReader, node: NodeFacts, i: number): { body?: InvokeBody; binaryProperty?: string } {
	switch (read.option(i, 'bodyType')) {
		case 'json': {
			const { text, value } = read.json(i, 'jsonBody');
			// The tool's prompt (shown only in the tool twin, and only while the body has no $fromAI of its own).
			if (node.hasPrompt) {
				const prompt = read.text(i, 'prompt', { required: true, trim: false });
				return { body: { kind: 'json', value: withPrompt(read, i, text === undefined ? value : JSON.parse(text), prompt) } };
			}
			// Text is sent as the user wrote it (key order, spacing), once it is known to be JSON at all.
			return { body: text === undefined ? { kind: 'json', value } : { kind: 'text', value: text, contentType: 'application/json' } };
		}
		case 'item':
			// The item itself: n8n hands the node its input items, so no expression has to build them again.
			return { body: { kind: 'json', value: ctx.getInputData()[i]?.json ?? {} } };
		case 'text':
			return {
				body: {
					kind: 'text',
					value: read.checkText(i, 'textBody', read.raw(i, 'textBody'), { trim: false }),
					contentType: read.text(i, 'contentType', { pattern: MEDIA_TYPE_PATTERN, rule: MEDIA_TYPE_RULE }),
				},
			};
		case 'binary': {
			const property = read.text(i, 'binaryPropertyName', { required: true });
			let binary;
			try {
				binary = ctx.helpers.assertBinaryData(i, property);
			} catch (error) {
				throw read.error(i, 'binaryPropertyName', (error as Error).message);
			}
			return { body: { kind: 'bytes', value: new Uint8Array(), contentType: binary.mimeType }, binaryProperty: property };
		}
		default:
			return {};
	}
}

/** Reads an item's parameters and has the core check the request they make, sending nothing. */
export function prepareItem(ctx: IExecuteFunctions, read: ParameterReader, node: NodeFacts, i: number): ItemRequest {
	const pinned = read.option(i, 'target') === 'deployedModel';
	const prefixes = commaList(read.text(i, 'options.allowedPathPrefixes'));
	for (const prefix of prefixes) {
		read.checkText(i, 'options.allowedPathPrefixes', prefix, { pattern: SERVER_ROUTE.pattern, rule: 'paths starting with "/", separated by commas' });
	}
	const endpoint = read.locator(i, 'endpoint');
	const path = read.text(i, 'path', { required: true, pattern: INVOKE_PATH_LINE, rule: INVOKE_PATH_LINE_RULE });
	const headers = requestHeaders(read, i);
	const deployedModelId = pinned ? read.locator(i, 'deployedModel') : undefined;
	const retry = read.boolean(i, 'options.retry');
	const timeoutMs = read.number(i, 'options.timeoutSeconds') * 1000;
	const limits = { maxBytes: read.number(i, 'options.maxResponseMb') * MB, maxChunks: read.number(i, 'options.maxChunks') };
	const output: OutputSettings = {
		format: read.option<StreamFormat | 'auto'>(i, 'responseFormat'),
		aggregate: read.option(i, 'streamOutput') === 'aggregate',
		forwardLive: read.boolean(i, 'options.forwardLive'),
		coalesceMs: read.number(i, 'options.coalesceLiveChunksMs'),
		includeHeaders: commaList(
			read.text(i, 'options.includeHeaders', { pattern: HEADER_NAME_LIST_PATTERN, rule: HEADER_NAME_LIST_RULE }),
		),
		binaryProperty:
			read.text(i, 'options.outputBinaryPropertyName', {
				pattern: FIELD_NAME,
				rule: 'a field name of letters, digits, "_", "-" and "."',
			}) || 'data',
		detailsOnEveryChunk: read.boolean(i, 'options.responseDetailsOnEveryChunk'),
		dataOnTextChunks: read.boolean(i, 'options.dataOnTextChunks'),
		asTool: node.asTool,
		limits,
		textPath: textPathOf(read.text(i, 'options.textField')),
	};
	const { body, binaryProperty } = bodyOf(ctx, read, node, i);
	const prepared = prepareInvoke({ endpoint, path, headers, deployedModelId, allowedPathPrefixes: prefixes, retry, timeoutMs, body });
	const binary = binaryProperty === undefined ? undefined : { property: binaryProperty, contentType: (body as { contentType?: string }).contentType };
	return { prepared, binary, output, privateEndpoint: privateEndpointOf(read, i) };
}

/** Bodies that are the same for every item when the parameters are (not the item itself, not its file). */
const PARAMETER_BODIES: ReadonlySet<string> = new Set(['json', 'text', 'none']);

/**
 * The check-first step of a run: prepareItem per item, or, when no parameter holds an expression and the body is
 * made of parameters alone, the first request that passes for every item (every item would read and check the same
 * values). A request that fails is not kept: each item then fails with its own index, as before.
 */
export function itemPreparer(ctx: IExecuteFunctions, read: ParameterReader, node: NodeFacts): (i: number) => ItemRequest {
	let sameForEveryItem: boolean | undefined;
	let same: ItemRequest | undefined;
	return (i) => {
		if (same) return same;
		const request = prepareItem(ctx, read, node, i);
		sameForEveryItem ??= read.everyParameterFixed() && PARAMETER_BODIES.has(read.option(i, 'bodyType'));
		if (sameForEveryItem) same = request;
		return request;
	};
}

/** The request to send: the prepared one, with a binary body's bytes loaded now (the core checks their size). */
export async function requestToSend(ctx: IExecuteFunctions, i: number, item: ItemRequest): Promise<PreparedInvoke> {
	if (!item.binary) return item.prepared;
	const value = await ctx.helpers.getBinaryDataBuffer(i, item.binary.property);
	return withInvokeBody(item.prepared, { kind: 'bytes', value, contentType: item.binary.contentType });
}

/** The "Text Field" option as a path; a path that cannot be read is refused before any request is sent. */
function textPathOf(field: string): TextPath | undefined {
	return field.trim() === '' ? undefined : parseTextPath(field, '"Text Field"');
}
