/** Readable VertexTransportErrors from undici / Node socket errors (never a raw stack or a header). */
import { VertexTransportError } from '../errors';

const CERTIFICATE_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|ERR_TLS_CERT)/;

/** The first `code` found on the error or along its `cause` chain. */
export function errorCodeOf(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string') return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

export interface NetworkErrorContext {
	/** e.g. "GET https://host/v1/projects/p/...": method, origin and path only. */
	action: string;
	host: string;
	headersTimeoutMs?: number;
	bodyTimeoutMs?: number;
}

function seconds(ms: number | undefined): string {
	return ms === undefined ? 'the configured time' : `${Math.round(ms / 100) / 10} s`;
}

export function networkErrorFrom(error: unknown, context: NetworkErrorContext): VertexTransportError {
	if (error instanceof VertexTransportError) return error;
	const code = errorCodeOf(error);
	const { action, host } = context;
	let reason: string;
	switch (code) {
		case 'UND_ERR_HEADERS_TIMEOUT':
			reason = `no response headers from ${host} within ${seconds(context.headersTimeoutMs)} (headers timeout)`;
			break;
		case 'UND_ERR_BODY_TIMEOUT':
			reason = `the response from ${host} stalled: no data for ${seconds(context.bodyTimeoutMs)} (body timeout)`;
			break;
		case 'UND_ERR_CONNECT_TIMEOUT':
		case 'ETIMEDOUT':
			reason = `could not connect to ${host} in time`;
			break;
		case 'ECONNREFUSED':
			reason = `the connection to ${host} was refused (is the host and port right, and the service up?)`;
			break;
		case 'ECONNRESET':
		case 'EPIPE':
		case 'UND_ERR_SOCKET':
			reason = `the connection to ${host} was closed by the other side before the response completed`;
			break;
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			reason = `the host name ${host} could not be resolved (DNS)`;
			break;
		case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
			reason = `the response from ${host} ended before its announced length`;
			break;
		default:
			if (code && CERTIFICATE_CODES.test(code)) {
				reason = `the TLS certificate of ${host} could not be verified (${code})`;
			} else {
				const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
				reason = `network error talking to ${host}: ${message}${code ? ` (${code})` : ''}`;
			}
	}
	// The reason first, what was being done (method and URL) after it.
	const summary = `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`;
	return new VertexTransportError(summary, code, { cause: safeCause(error), context: action });
}

/** A cause stripped to name, message and code, so no request options (headers) ride along. */
function safeCause(error: unknown): Error | undefined {
	if (!(error instanceof Error)) return undefined;
	const cause = new Error(error.message.split('\n')[0]);
	cause.name = error.name;
	const code = errorCodeOf(error);
	if (code) (cause as Error & { code?: string }).code = code;
	return cause;
}
