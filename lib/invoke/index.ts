import type { HttpSender } from '../http';
import { buildInvokeRequest, type InvokeTarget, type PreparedInvoke } from './request';
import { toInvokeResponse } from './response';
import type { InvokeInput, InvokeResponse } from './types';

/**
 * Calls a route of the model server behind a dedicated endpoint through Vertex's invoke API and returns as soon as
 * the response headers arrive; the body streams from `response.body` or its helpers. An input is fully validated
 * before anything is sent (VertexValidationError naming the field); a prepared one was (prepareInvoke).
 * `input.endpoint` is for the client that resolves `target`; the URL is built from `target`.
 */
export async function invokeModelServer(
	sender: HttpSender,
	target: InvokeTarget,
	input: InvokeInput | PreparedInvoke,
	signal?: AbortSignal,
): Promise<InvokeResponse> {
	const request = buildInvokeRequest(target, input, signal);
	return toInvokeResponse(await sender.send(request));
}

export { checkInvokePath, validateInvokePath, type ValidatedInvokePath } from './path';
export {
	CLIENT_OWNED_HEADERS,
	HEADER_NAME_PATTERN,
	HEADER_NAME_LIST_PATTERN,
	HEADER_NAME_LIST_RULE,
	HEADER_NAME_RULE,
	HTTP_TOKEN,
	INVOKE_API_VERSIONS,
	INVOKE_MAX_BODY_BYTES,
	INVOKE_MAX_PATH_LENGTH,
	INVOKE_METHODS,
	INVOKE_PATH_LINE,
	INVOKE_PATH_LINE_RULE,
	INVOKE_PATH_REFUSALS,
	INVOKE_REFUSED_PATH_PATTERN,
	invokeHeaderProblem,
	MEDIA_TYPE_PATTERN,
	MEDIA_TYPE_RULE,
	isHeaderValue,
	REFUSED_INVOKE_HEADERS,
	type HeaderProblem,
	type InvokeApiVersion,
	type InvokeMethod,
	type RefusedHeaderRule,
} from './policy';
export {
	buildInvokeRequest,
	isPreparedInvoke,
	checkInvokeInput,
	prepareInvoke,
	withInvokeBody,
	type InvokeTarget,
	type PreparedInvoke,
} from './request';
export { toInvokeResponse } from './response';
export {
	INVOKE_DEFAULT_MAX_RESPONSE_BYTES,
	INVOKE_DEFAULT_TIMEOUT_MS,
	type InvokeBody,
	type InvokeInput,
	type InvokeResponse,
} from './types';
export { buildInvokeUrl, type InvokeUrlInput } from './url';
