export { abortedError, isAbortedError, sleep } from './abort';
export { closeSharedAgent, sharedAgent } from './agent';
export { apiErrorFromResponse } from './apiError';
export { readBodyText, sendJson, withQuery, type JsonRequest } from './json';
export {
	DEFAULT_RETRY_POLICY,
	isTransientError,
	MODEL_SERVER_RETRY_POLICY,
	modelServerRetryPolicy,
	parseRetryAfterMs,
	retryDelayMs,
	withRetries,
	type RetryPolicy,
	type TransientScope,
} from './retry';
export { VertexTransport, type AccessTokenSource, type VertexTransportOptions } from './transport';
export {
	checkPrivateEndpoint,
	privateEndpointAgent,
	type CheckedPrivateEndpoint,
	type PrivateEndpointOptions,
} from './privateEndpoint';
