/** Errors the core throws. Messages are written for the person running the workflow. */

export interface FieldViolation {
	field: string;
	description: string;
}

/** A failed API call, from Google's error envelope or from a model server's own answer. */
export class VertexApiError extends Error {
	readonly name = 'VertexApiError';
	constructor(
		message: string,
		readonly httpStatus: number,
		/** gRPC status name, e.g. NOT_FOUND, when the answer carried one. */
		readonly status: string | undefined,
		readonly fieldViolations: FieldViolation[] = [],
		/** The raw `details` array, or the raw body text when the answer was not Google's envelope. */
		readonly details: unknown = undefined,
		/** The answer's Retry-After, in milliseconds, when it had a readable one. */
		readonly retryAfterMs: number | undefined = undefined,
	) {
		super(message);
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
		super(message);
	}
}

/** A long-running operation that finished with an error, timed out, or was cancelled. */
export class VertexOperationError extends Error {
	readonly name = 'VertexOperationError';
	constructor(
		message: string,
		/** Always set, so a caller can resume or inspect the operation later. */
		readonly operationName: string,
		readonly reason: 'failed' | 'timeout' | 'aborted',
		/** gRPC code of the operation's error, when it failed. */
		readonly code?: number,
	) {
		super(message);
	}
}

/** Network-level failure: connection refused or reset, timeouts, a stream cut mid-way. */
export class VertexTransportError extends Error {
	readonly name = 'VertexTransportError';
	constructor(
		message: string,
		readonly code: string | undefined,
		options?: { cause?: unknown },
	) {
		super(message, options);
	}
}
