/**
 * Errors the core throws. Messages are written for the person running the workflow. Every constructor scrubs
 * what it is given (lib/secrets.ts): a token, assertion or key a server reflected back never reaches a message,
 * a field violation or the details.
 */
import { scrubDeep, scrubSecrets } from './secrets';

export interface FieldViolation {
	field: string;
	description: string;
}

/**
 * `summary (context)`: the human reason and what to do come first; what was being done (HTTP status, method and
 * URL, operation name) follows in parentheses. Callers that show the two apart read `summary` and `context`.
 */
function withContext(summary: string, context: string | undefined): string {
	return context ? `${summary} (${context})` : summary;
}

/** A failed API call, from Google's error envelope or from a model server's own answer. */
export class VertexApiError extends Error {
	readonly name = 'VertexApiError';
	/** gRPC status name, e.g. NOT_FOUND, when the answer carried one. */
	readonly status: string | undefined;
	readonly fieldViolations: FieldViolation[];
	/** The raw `details` array, or the raw body text when the answer was not Google's envelope (scrubbed). */
	readonly details: unknown;
	/** The reason and what to do, without the context: the message's first part. */
	readonly summary: string;
	/** What was being done, e.g. `HTTP 404 NOT_FOUND, GET https://host/v1/projects/p/...` (scrubbed); the message ends with it. */
	readonly context: string | undefined;

	constructor(
		/** The reason and what to do (the message is this, then the context in parentheses). */
		summary: string,
		readonly httpStatus: number,
		status: string | undefined,
		fieldViolations: FieldViolation[] = [],
		details: unknown = undefined,
		/** The answer's Retry-After, in milliseconds, when it had a readable one. */
		readonly retryAfterMs: number | undefined = undefined,
		context: string | undefined = undefined,
	) {
		const scrubbedSummary = scrubSecrets(summary);
		const scrubbedContext = context === undefined ? undefined : scrubSecrets(context);
		super(withContext(scrubbedSummary, scrubbedContext));
		this.summary = scrubbedSummary;
		this.context = scrubbedContext;
		this.status = status === undefined ? undefined : scrubSecrets(status);
		this.fieldViolations = fieldViolations.map(({ field, description }) => ({
			field: scrubSecrets(field),
			description: scrubSecrets(description),
		}));
		this.details = scrubDeep(details);
	}
}

/** Whether an API call failed because the resource it would create is already there (409 ALREADY_EXISTS). */
export function isAlreadyExists(error: unknown): error is VertexApiError {
	return error instanceof VertexApiError && (error.httpStatus === 409 || error.status === 'ALREADY_EXISTS');
}

/** Bad input caught before any request was sent. `field` names the parameter at fault. */
export class VertexValidationError extends Error {
	readonly name = 'VertexValidationError';
	constructor(
		message: string,
		readonly field: string,
	) {
		super(scrubSecrets(message));
	}
}

/** A long-running operation that finished with an error, timed out, or was cancelled. */
export class VertexOperationError extends Error {
	readonly name = 'VertexOperationError';
	/** Always set, so a caller can resume or inspect the operation later. */
	readonly operationName: string;
	/** The reason and what to do, without the context: the message's first part. */
	readonly summary: string;
	/** What the wait was about, e.g. `operation projects/p/.../operations/1`; the message ends with it. */
	readonly context: string | undefined;
	constructor(
		summary: string,
		operationName: string,
		readonly reason: 'failed' | 'timeout' | 'aborted',
		/** gRPC code of the operation's error, when it failed. */
		readonly code?: number,
		context?: string,
	) {
		const scrubbedSummary = scrubSecrets(summary);
		const scrubbedContext = context === undefined ? undefined : scrubSecrets(context);
		super(withContext(scrubbedSummary, scrubbedContext));
		this.summary = scrubbedSummary;
		this.context = scrubbedContext;
		this.operationName = scrubSecrets(operationName);
	}
}

/** Network-level failure: connection refused or reset, timeouts, a stream cut mid-way. */
export class VertexTransportError extends Error {
	readonly name = 'VertexTransportError';
	/** The reason and what to do, without the context: the message's first part. */
	readonly summary: string;
	/** What was being done, e.g. `POST https://host/v1/...` (scrubbed); the message ends with it. */
	readonly context: string | undefined;
	constructor(
		summary: string,
		readonly code: string | undefined,
		options?: { cause?: unknown; context?: string },
	) {
		const scrubbedSummary = scrubSecrets(summary);
		const scrubbedContext = options?.context === undefined ? undefined : scrubSecrets(options.context);
		super(withContext(scrubbedSummary, scrubbedContext), options?.cause === undefined ? undefined : { cause: options.cause });
		this.summary = scrubbedSummary;
		this.context = scrubbedContext;
	}
}
