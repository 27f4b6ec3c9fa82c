import type { HttpResponse, HttpResponseBody } from '../http';
import { holdsRememberedSecret, scrubDeep, withoutEchoedSecrets } from '../secrets';
import { decodeStream, VertexStreamError } from '../stream';
import { parseJsonBody, readBodyBytes } from '../stream/body';
import { INVOKE_DEFAULT_MAX_RESPONSE_BYTES, type InvokeResponse } from './types';

const DEPLOYED_MODEL_HEADER = 'x-vertex-ai-deployed-model-id';

/** Lets the body be read once; a second reader gets a clear error instead of an empty or broken stream. */
class BodyReadOnce implements AsyncIterable<Uint8Array> {
	private iterator?: AsyncIterator<Uint8Array>;
	/** Read whole through the sender's readDeclared. */
	private readWhole = false;

	constructor(private readonly source: HttpResponseBody) {}

	[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
		if (this.iterator || this.readWhole) {
			throw new VertexStreamError('The invoke response body can be read only once.', 'already-consumed');
		}
		this.iterator = this.source[Symbol.asyncIterator]();
		return this.iterator;
	}

	/** The whole body, failing past `maxBytes`: in one read when the sender can, else chunk by chunk. */
	readAll(maxBytes: number): Promise<Buffer> {
		const whole = this.iterator || this.readWhole ? undefined : this.source.readDeclared?.(maxBytes);
		if (whole === undefined) return readBodyBytes(this, maxBytes);
		this.readWhole = true;
		return whole;
	}

	/**
	 * Stops reading, whether or not it started. An HttpSender's body iterator releases the connection on return(),
	 * even before the first read.
	 */
	async release(): Promise<void> {
		if (this.readWhole) this.source.release?.();
		else await (this.iterator ?? this[Symbol.asyncIterator]()).return?.();
	}
}

/** Wraps the transport's answer with the invoke-specific fields and the body helpers. */
export function toInvokeResponse(response: HttpResponse): InvokeResponse {
	const body = new BodyReadOnce(response.body);
	const readAll = (options?: { maxBytes?: number }) => body.readAll(options?.maxBytes ?? INVOKE_DEFAULT_MAX_RESPONSE_BYTES);
	// A token the package sent, echoed in a successful answer (a gateway or debug server reflecting headers), is
	// replaced here, so every reader of text or JSON (Invoke, the chat model, embeddings, any adapter) gets it so.
	const text = async (options?: { maxBytes?: number }) => withoutEchoedSecrets((await readAll(options)).toString('utf8'));
	const invokeResponse: InvokeResponse = {
		status: response.status,
		headers: response.headers,
		contentType: response.headers['content-type'] ?? '',
		body,
		readAll,
		text,
		json: async (options) => {
			const raw = (await readAll(options)).toString('utf8');
			const parsed = parseJsonBody(raw, 'The invoke response body');
			return holdsRememberedSecret(raw) ? scrubDeep(parsed) : parsed;
		},
		chunks: (options) =>
			decodeStream(body, { ...options, contentType: options?.contentType ?? invokeResponse.contentType }),
		discard: () => body.release(),
	};
	const deployedModelId = response.headers[DEPLOYED_MODEL_HEADER];
	if (deployedModelId) invokeResponse.deployedModelId = deployedModelId;
	return invokeResponse;
}
