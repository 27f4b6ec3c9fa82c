import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	aggregateBatches,
	batchesOfOne,
	readableBytes,
	readChunkContent,
	usageOf,
	valueAtPath,
	VertexStreamError,
	type StreamSummary,
	type TextPath,
	DEFAULT_MAX_STREAM_BYTES,
	detectStreamFormat,
	type InvokeResponse,
	type StreamChunk,
	type StreamFormat,
} from '../../lib';
import { outputItem, outputItemsOf } from '../shared/items';

import { forwardLive } from './liveForwarding';
import type { OutputSettings } from './request';

const STREAM_FORMATS: ReadonlySet<StreamFormat> = new Set(['sse', 'ndjson', 'lines']);

/** The items of an item's answer: one for a whole body, one per chunk of a stream, or one aggregated item. */
export async function answerItems(
	ctx: IExecuteFunctions,
	i: number,
	response: InvokeResponse,
	output: OutputSettings,
): Promise<INodeExecutionData[]> {
	// As a tool the answer is what counts: the text, or the body; status and headers stay out.
	const fields = output.asTool ? {} : responseFields(response, output.includeHeaders);

	const format = output.format === 'auto' ? detectStreamFormat(response.contentType) : output.format;
	if (!STREAM_FORMATS.has(format)) {
	return [await wholeBodyItem(ctx, i, response, format, fields, output.binaryProperty, output.limits.maxBytes, output.textPath)];
	}

	const decoded = response.chunks({
		format,
		maxChunks: output.limits.maxChunks,
		maxStreamBytes: Math.max(DEFAULT_MAX_STREAM_BYTES, output.limits.maxBytes),
		textPath: output.textPath,
	});
	// Live, each chunk goes out as it comes; else the chunks are taken a network read at a time (fewer async steps).
	const batches = output.forwardLive && ctx.isStreaming()
		? batchesOfOne(forwardLive(ctx, i, decoded, { coalesceMs: output.coalesceMs }))
		: decoded.batches();
	if (output.aggregate) {
		const summary: StreamSummary = { text: '', chunkCount: 0 };
		try {
			await aggregateBatches(batches, summary);
		} catch (error) {
			// A server that fails mid-way: an error item that keeps what came before, never a cut answer as a success.
			return [streamErrorItem(ctx, i, error, summaryJson(summary, output.asTool, decoded.format, fields))];
		}
		return [outputItem(i, summaryJson(summary, output.asTool, decoded.format, fields))];
	}
	// Kept a read at a time and joined once at the end: one array of the final size, not one regrown 50,000 times.
	const reads: INodeExecutionData[][] = [];
	let count = 0;
	const chunkItem = outputItemsOf(i);
	try {
		for await (const batch of batches) {
			const items: INodeExecutionData[] = [];
			for (const chunk of batch) {
				const details = count === 0 || output.detailsOnEveryChunk ? fields : undefined;
				items.push(chunkItem(chunkItemJson(chunk, details, output.dataOnTextChunks)));
				count++;
			}
			reads.push(items);
		}
	} catch (error) {
		// The chunks that came, then the failure as one error item.
		return joined(reads, count, streamErrorItem(ctx, i, error, { chunkIndex: count }));
	}
	return joined(reads, count);
}

/** The items of every read in order, then `last` if given, in one array made at its final size. */
function joined(reads: INodeExecutionData[][], count: number, last?: INodeExecutionData): INodeExecutionData[] {
	if (reads.length === 1 && last === undefined) return reads[0];
	const all = new Array<INodeExecutionData>(count + (last === undefined ? 0 : 1));
	let at = 0;
	for (const items of reads) for (const item of items) all[at++] = item;
	if (last !== undefined) all[at] = last;
	return all;
}

/** The aggregated item: text (and reasoning) first, then the counts; as a tool only the text. */
function summaryJson(summary: StreamSummary, asTool: boolean, format: StreamFormat, fields: IDataObject): IDataObject {
	const json: IDataObject = { text: summary.text };
	if (summary.reasoning !== undefined) json.reasoning = summary.reasoning;
	if (asTool) return json;
	json.chunkCount = summary.chunkCount;
	json.usage = (summary.usage as IDataObject) ?? null;
	json.format = format;
	if (summary.note !== undefined) json.note = summary.note;
	return { ...json, ...fields };
}

const STREAM_ERROR_DETAILS = 'The stream ended with this error; the fields beside it hold what came before it.';

/**
 * The item for a stream the server ended with an error: thrown on (so the node fails) unless Continue On Fail is
 * on; then `error` and `details` as every error item has, and `partial`'s fields (what came before). n8n routes to
 * the error output only items whose json holds nothing but error/message/details (an item carrying a node error
 * loses all its other fields), so there what came before goes under `details`.
 */
function streamErrorItem(ctx: IExecuteFunctions, i: number, error: unknown, partial: IDataObject): INodeExecutionData {
	if (!(error instanceof VertexStreamError) || error.reason !== 'server-error' || !ctx.continueOnFail()) throw error;
	if (ctx.getNode().onError === 'continueErrorOutput') return outputItem(i, { error: error.message, details: partial });
	return outputItem(i, { error: error.message, details: STREAM_ERROR_DETAILS, ...partial });
}

/** The response facts: status, the deployed model (when Vertex AI named it) and the headers asked for. */
function responseFields(response: InvokeResponse, includeHeaders: string[]): IDataObject {
	if (includeHeaders.length === 0) return { status: response.status, deployedModelId: response.deployedModelId ?? null, headers: {} };
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
 * parsed data out (an OpenAI chunk's data repeats the text among ids and timestamps), so a long stream's output
 * holds each text once.
 */
export function chunkItemJson(chunk: StreamChunk, details?: IDataObject, dataOnTextChunks = true): IDataObject {
	const json: IDataObject = {};
	if (chunk.text !== undefined && chunk.text !== null) json.text = chunk.text;
	if (chunk.reasoning !== undefined) json.reasoning = chunk.reasoning;
	json.chunkIndex = chunk.index;
	if (chunk.event !== undefined && chunk.event !== null) json.event = chunk.event;
	if (chunk.id !== undefined && chunk.id !== null) json.id = chunk.id;
	const hasText = json.text !== undefined || json.reasoning !== undefined;
	if (chunk.data !== undefined && chunk.data !== null && (dataOnTextChunks || !hasText)) json.data = chunk.data as IDataObject;
	if (details) {
		for (const [name, value] of Object.entries(details)) if (value !== null && value !== undefined) json[name] = value;
	}
	return json;
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
	textPath: TextPath | undefined,
): Promise<INodeExecutionData> {
	if (format === 'json') {
		const body = await response.json({ maxBytes });
		return outputItem(itemIndex, { ...answerOf(body, textPath), ...fields, body: body as IDataObject });
	}
	if (format === 'text') {
		// A text answer (TorchServe's handlers, plain servers) is the text itself.
		const body = await response.text({ maxBytes });
		return outputItem(itemIndex, { text: body, ...fields, body });
	}
	// A file streams into n8n's binary data (to disk or object storage when n8n is set up so), not through one Buffer.
	const binary = await ctx.helpers.prepareBinaryData(
		readableBytes(response.chunks({ format: 'binary', maxStreamBytes: maxBytes })),
		fileNameOf(response.headers['content-disposition']),
		response.contentType || undefined,
	);
	return outputItem(itemIndex, { ...fields, binaryProperty: property }, { [property]: binary });
}

/** A whole answer's text, reasoning and usage, in the shapes a stream's chunks are read in (none when not found). */
function answerOf(body: unknown, textPath: TextPath | undefined): IDataObject {
	const json: IDataObject = {};
	const content = textPath ? { text: valueAtPath(body, textPath) } : readChunkContent(body);
	if (typeof content.text === 'string') json.text = content.text;
	if ('reasoning' in content && content.reasoning !== undefined) json.reasoning = content.reasoning;
	const usage = usageOf(body);
	if (usage && json.text !== undefined) json.usage = usage as IDataObject;
	return json;
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
