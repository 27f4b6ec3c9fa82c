export { abortedError, isAbortedError, sleep } from './abort';
export { closeSharedAgent, sharedAgent } from './agent';
export { apiErrorFromResponse } from './apiError';
export { readBodyText, sendJson, withQuery, type JsonRequest } from './json';
export { DEFAULT_RETRY_POLICY, parseRetryAfterMs, type RetryPolicy } from './retry';
export { VertexTransport, type AccessTokenSource, type VertexTransportOptions } from './transport';
