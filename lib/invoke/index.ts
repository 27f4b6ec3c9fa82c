import type { HttpSender } from '../http';
import { buildInvokeRequest, type InvokeTarget } from './request';
import { toInvokeResponse } from './response';
import type { InvokeInput, InvokeResponse } from './types';

/**
 * Calls a route of the model server behind a dedicated endpoint through Vertex's invoke API and returns as soon as
 * the response headers arrive; the body streams from `response.body` or its helpers. The input is fully validated
 * before anything is sent (VertexValidationError naming the field). `input.endpoint` is for the client that resolves
 * `target`; the URL is built from `target`.
 */
export async function invokeModelServer(
	sender: HttpSender,
	target: InvokeTarget,
	input: InvokeInput,
	signal?: AbortSignal,
): Promise<InvokeResponse> {
	const request = buildInvokeRequest(target, input, signal);
	return toInvokeResponse(await sender.send(request));
}

export { checkInvokePath, validateInvokePath, type ValidatedInvokePath } from './path';
export { buildInvokeRequest, checkInvokeInput, type InvokeTarget } from './request';
export { toInvokeResponse } from './response';
export {
	INVOKE_DEFAULT_MAX_RESPONSE_BYTES,
	INVOKE_DEFAULT_TIMEOUT_MS,
	INVOKE_MAX_BODY_BYTES,
	INVOKE_MAX_PATH_LENGTH,
	INVOKE_METHODS,
	type InvokeBody,
	type InvokeInput,
	type InvokeMethod,
	type InvokeResponse,
} from './types';
export { buildInvokeUrl, INVOKE_API_VERSIONS, type InvokeApiVersion, type InvokeUrlInput } from './url';
