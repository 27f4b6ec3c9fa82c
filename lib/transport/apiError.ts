/**
 * Turns an HTTP error answer into a VertexApiError whose message tells the user what to do: Google's
 * envelope `{error: {code, message, status, details}}` when present, else a model server's own message
 * read from its JSON error body, else the body text (a model server's own error page), truncated.
 */
import { VertexApiError, type FieldViolation } from '../errors';
import { scrubDeep, scrubSecrets } from '../secrets';
import { serverErrorOf, withErrorType } from '../stream/chunkContent';
import { isRecord } from '../stream/deltaText';

const MAX_BODY_TEXT = 2000;
const BAD_REQUEST_TYPE = 'type.googleapis.com/google.rpc.BadRequest';
const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';

interface GoogleErrorEnvelope {
	code?: number;
	message?: string;
	status?: string;
	details?: unknown[];
}

export interface ApiErrorContext {
	/** What was being done, e.g. "GET projects/p/locations/l/endpoints/e". Never holds secrets. */
	action?: string;
	/** The answer's Retry-After in milliseconds, kept on the error (pollers wait at least that long). */
	retryAfterMs?: number;
	/** For a 401: what the transport did about the first 401 of this request (see TokenRefreshOutcome). */
	tokenRefresh?: TokenRefreshOutcome;
}

/**
 * After a 401: 'retried' the request was sent again with a freshly minted token (and this answer is to that);
 * 'same-token' the credential handed out the rejected token again; 'impossible' it cannot mint another (a fixed
 * access token).
 */
export type TokenRefreshOutcome = 'retried' | 'same-token' | 'impossible';

type JsonObject = Record<string, unknown>;

/** The body as a JSON object, or undefined (not JSON, or not an object): then it is read as plain text. */
function jsonObjectOf(text: string): JsonObject | undefined {
	try {
		const parsed: unknown = JSON.parse(text);
		return isRecord(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}

function envelopeOf(body: JsonObject | undefined): GoogleErrorEnvelope | undefined {
	return body && isRecord(body.error) ? (body.error as GoogleErrorEnvelope) : undefined;
}

/**
 * A model server's own message in a JSON error body that is no Google envelope, or undefined: the shapes a stream's
 * error chunk takes (`{"error": "..."}` of KServe v2 / Triton, TGI with its `error_type`, Ollama; older vLLM's
 * `{"object": "error", "message"}`), and TorchServe's ErrorResponse `{"code", "type", "message"}` (its frontend's
 * answer when a model's handler fails: NettyUtils.sendError), its type kept as TGI's is.
 */
function modelServerMessageOf(body: JsonObject | undefined): string | undefined {
	if (!body) return undefined;
	const { code, type, message } = body;
	if (typeof code === 'number' && typeof type === 'string' && typeof message === 'string' && message.trim() !== '') {
		return withErrorType(message, type);
	}
	return serverErrorOf(body, undefined);
}

function fieldViolationsOf(details: unknown[] | undefined): FieldViolation[] {
	const violations: FieldViolation[] = [];
	for (const detail of details ?? []) {
		if (!detail || typeof detail !== 'object') continue;
		const { '@type': type, fieldViolations } = detail as { '@type'?: unknown; fieldViolations?: unknown };
		if (type !== BAD_REQUEST_TYPE || !Array.isArray(fieldViolations)) continue;
		for (const violation of fieldViolations) {
			const { field, description } = (violation ?? {}) as { field?: unknown; description?: unknown };
			violations.push({ field: String(field ?? ''), description: String(description ?? '') });
		}
	}
	return violations;
}

/** `permission` from an ErrorInfo detail (IAM_PERMISSION_DENIED carries it in metadata). */
function deniedPermissionOf(details: unknown[] | undefined): string | undefined {
	for (const detail of details ?? []) {
		if (!detail || typeof detail !== 'object') continue;
		const { '@type': type, metadata, reason } = detail as { '@type'?: unknown; metadata?: unknown; reason?: unknown };
		if (type !== ERROR_INFO_TYPE) continue;
		const permission = (metadata as { permission?: unknown } | undefined)?.permission;
		if (typeof permission === 'string') return permission;
		if (reason === 'SERVICE_DISABLED') return undefined;
	}
	return undefined;
}

function isServiceDisabled(message: string, details: unknown[] | undefined): boolean {
	if (/has not been used|is disabled|SERVICE_DISABLED/i.test(message)) return true;
	return (details ?? []).some(
		(detail) => !!detail && typeof detail === 'object' && (detail as { reason?: unknown }).reason === 'SERVICE_DISABLED',
	);
}

/**
 * A sentence telling the user what to check, by HTTP status / gRPC status. Advice about Vertex resources
 * (404 "does not exist there", 409 "already exists") only when Google said so with a gRPC status: any other
 * 404 or 409 comes from a model server behind invoke (its own routes, OpenAI-style `{error}` bodies) or a
 * proxy, and that advice would send the user the wrong way.
 */
function adviceFor(
	httpStatus: number,
	status: string | undefined,
	message: string,
	details: unknown[] | undefined,
	context: ApiErrorContext = {},
): string {
	if (httpStatus === 401 || status === 'UNAUTHENTICATED') {
		switch (context.tokenRefresh) {
			case 'retried':
				return 'The credential was rejected even with a freshly minted token (the first token got a 401 too): check that the account is not disabled or deleted, that its key is not revoked, and that the token URL and API endpoint belong together.';
			case 'same-token':
				return 'The credential was rejected, and asked for a new token it handed out the same one again: check that the account is not disabled or deleted and that its token is not revoked.';
			case 'impossible':
				return 'The access token was rejected: it is expired or revoked, and a fixed access token cannot be refreshed. Give a new token, or use a credential kind that mints its own (service account key, ADC, external account).';
		}
		return 'The credential was rejected: check that the key or token is valid, not expired or revoked, and belongs to the intended account.';
	}
	if (httpStatus === 403 || status === 'PERMISSION_DENIED') {
		if (isServiceDisabled(message, details)) {
			return 'The Vertex AI API (aiplatform.googleapis.com) looks disabled for this project: enable it in the Google Cloud console, then retry.';
		}
		const permission = deniedPermissionOf(details);
		return permission
			? `The account lacks the IAM permission "${permission}" on this project (for example via roles/aiplatform.user); grant it, or check that the Vertex AI API is enabled.`
			: 'The account lacks an IAM permission for this call (roles/aiplatform.user covers the usual ones), or the Vertex AI API is not enabled for the project.';
	}
	if (status === 'NOT_FOUND') {
		return 'Check the project, location and id: the resource does not exist there (resources are regional: it may live in another location).';
	}
	if (status === 'ALREADY_EXISTS') {
		return 'A resource with this id already exists.';
	}
	if (httpStatus === 429 || status === 'RESOURCE_EXHAUSTED') {
		return 'A quota or rate limit was hit: retry later or request more quota.';
	}
	if (httpStatus === 503 || status === 'UNAVAILABLE') {
		return 'The service is temporarily unavailable: retry later.';
	}
	return '';
}

function truncate(text: string): string {
	return text.length > MAX_BODY_TEXT ? `${text.slice(0, MAX_BODY_TEXT)}… (truncated)` : text;
}

/** Text as a sentence: trimmed, ending in ".", "!" or "?" (a period is added), so advice can follow it. */
function sentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * Builds the VertexApiError for a non-2xx answer. Everything kept from the answer (message, status, field
 * violations, details, body text) is scrubbed of `secrets` (the token sent) and of anything shaped like a secret:
 * a server may reflect the request's Authorization header or body into any of them. The message leads with the
 * reason (Google's message, or the server's body text), then what to do; the HTTP status and the request (method
 * and URL) come last, in parentheses, and apart as `context`.
 */
export function apiErrorFromResponse(
	httpStatus: number,
	bodyText: string,
	context: ApiErrorContext = {},
	secrets: string[] = [],
): VertexApiError {
	const scrub = (text: string) => scrubSecrets(text, secrets);
	const body = jsonObjectOf(bodyText);
	const envelope = envelopeOf(body);
	const status = envelope && typeof envelope.status === 'string' ? scrub(envelope.status) : undefined;
	const where = [`HTTP ${httpStatus}${status ? ` ${status}` : ''}`, context.action].filter(Boolean).join(', ');
	if (envelope) {
		const message = scrub(String(envelope.message ?? '')).trim();
		const details = Array.isArray(envelope.details) ? scrubDeep(envelope.details, secrets) : undefined;
		const violations = fieldViolationsOf(details);
		const parts = [message ? sentence(message) : `The request failed with HTTP ${httpStatus}${status ? ` ${status}` : ''}.`];
		if (violations.length) {
			parts.push(`Invalid fields: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}.`);
		}
		const advice = adviceFor(httpStatus, status, message, details, context);
		if (advice) parts.push(advice);
		return new VertexApiError(scrub(parts.join(' ')), httpStatus, status, violations, details, context.retryAfterMs, scrub(where));
	}
	const text = truncate(scrub(bodyText).trim());
	const serverMessage = modelServerMessageOf(body);
	// The message is scrubbed on its own too: a secret JSON-escaped in the body reads plain once parsed.
	const shown = serverMessage === undefined ? text : truncate(scrub(serverMessage).trim());
	const advice = adviceFor(httpStatus, undefined, shown, undefined, context);
	const reason = shown ? `The server answered: ${sentence(shown)}` : `The request failed with HTTP ${httpStatus}.`;
	const summary = advice ? `${reason} ${advice}` : reason;
	return new VertexApiError(summary, httpStatus, undefined, [], text || undefined, context.retryAfterMs, scrub(where));
}
