import { NodeConnectionTypes, type IDataObject, type ISupplyDataFunctions, type NodeApiError, type NodeOperationError } from 'n8n-workflow';

import { isRecord, postJson, type ModelName, type OpenAiTarget } from '../shared/openAi';

/**
 * Embeddings over a model server's OpenAI-compatible `/embeddings` route, through the core client's invoke (the
 * same host policy and per-request token as the chat model). n8n's vector stores and retrievers call
 * `embedDocuments` / `embedQuery` (LangChain's embeddings interface); this object implements that interface
 * itself, because the AI node SDK has no embeddings support and a community package may not depend on
 * LangChain. Like n8n's own embeddings nodes, it records each call on the sub-node's run data.
 */

type Json = Record<string, unknown>;

export interface EmbeddingsSettings {
	target: OpenAiTarget;
	modelName: ModelName;
	/** Texts per request. */
	batchSize: number;
	/** Sent as `dimensions` when set (servers that support shortened embeddings). */
	dimensions?: number;
	/** Sent as given, after the node's own fields. */
	extraBody: Json;
	toError: (error: unknown) => NodeApiError | NodeOperationError;
}

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** An embedding as the server sent it: floats, or base64 of little-endian float32 values. */
function vectorOf(value: unknown): number[] | undefined {
	if (Array.isArray(value) && value.every((number) => typeof number === 'number')) return value as number[];
	if (typeof value !== 'string') return undefined;
	const bytes = Buffer.from(value, 'base64');
	const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 4)));
	return Array.from(floats);
}

/** The vectors of an embeddings answer, in input order; fails unless there is one per input. */
export function vectorsOf(answer: unknown, count: number): number[][] {
	const data = isRecord(answer) && Array.isArray(answer.data) ? answer.data : undefined;
	const vectors: number[][] = [];
	for (const [position, entry] of (data ?? []).entries()) {
		const index = isRecord(entry) && typeof entry.index === 'number' ? entry.index : position;
		const vector = isRecord(entry) ? vectorOf(entry.embedding) : undefined;
		if (vector && index >= 0 && index < count) vectors[index] = vector;
	}
	const missing = Array.from({ length: count }, (_, index) => index).filter((index) => !vectors[index]);
	if (!data || missing.length > 0) {
		throw new Error(
			`The model server's embeddings answer has no vector for ${missing.length} of ${count} inputs: is the route prefix right, and does the server serve an embedding model?`,
		);
	}
	return vectors;
}

export class VertexInvokeEmbeddings {
	constructor(
		private readonly ctx: ISupplyDataFunctions,
		private readonly settings: EmbeddingsSettings,
	) {}

	async embedDocuments(documents: string[]): Promise<number[][]> {
		return await this.logged({ documents }, 'ai-document-embedded', async () => {
			const vectors: number[][] = [];
			for (let start = 0; start < documents.length; start += this.settings.batchSize) {
				vectors.push(...(await this.embed(documents.slice(start, start + this.settings.batchSize))));
			}
			return vectors;
		});
	}

	async embedQuery(query: string): Promise<number[]> {
		return await this.logged({ query }, 'ai-query-embedded', async () => (await this.embed([query]))[0]);
	}

	private async embed(input: string[]): Promise<number[][]> {
		if (input.length === 0) return [];
		const signal = this.ctx.getExecutionCancelSignal();
		const body: Json = { input, encoding_format: 'float' };
		const model = await this.settings.modelName.resolve(signal);
		if (model !== undefined) body.model = model;
		if (this.settings.dimensions !== undefined) body.dimensions = this.settings.dimensions;
		const response = await postJson(this.settings.target, '/embeddings', { ...body, ...this.settings.extraBody }, signal);
		return vectorsOf(await response.json({ maxBytes: MAX_ANSWER_BYTES }), input.length);
	}

	/** Runs one call with its input and output (or error) on the sub-node's run data, as n8n's logWrapper does. */
	private async logged<T>(input: IDataObject, event: 'ai-document-embedded' | 'ai-query-embedded', call: () => Promise<T>): Promise<T> {
		const { index } = this.ctx.addInputData(NodeConnectionTypes.AiEmbedding, [[{ json: input }]]);
		let result: T;
		try {
			result = await call();
		} catch (error) {
			const failure = this.settings.toError(error);
			this.ctx.addOutputData(NodeConnectionTypes.AiEmbedding, index, failure);
			throw failure;
		}
		this.ctx.addOutputData(NodeConnectionTypes.AiEmbedding, index, [[{ json: { response: result as unknown as IDataObject } }]]);
		this.ctx.logAiEvent(event, JSON.stringify(input));
		return result;
	}
}
