/** Google's error envelope and the HTTP status each gRPC code maps to (google.rpc.Code). */

export const GRPC_CODES = {
	OK: 0,
	CANCELLED: 1,
	UNKNOWN: 2,
	INVALID_ARGUMENT: 3,
	DEADLINE_EXCEEDED: 4,
	NOT_FOUND: 5,
	ALREADY_EXISTS: 6,
	PERMISSION_DENIED: 7,
	RESOURCE_EXHAUSTED: 8,
	FAILED_PRECONDITION: 9,
	ABORTED: 10,
	OUT_OF_RANGE: 11,
	UNIMPLEMENTED: 12,
	INTERNAL: 13,
	UNAVAILABLE: 14,
	DATA_LOSS: 15,
	UNAUTHENTICATED: 16,
} as const;

export type GrpcStatus = keyof typeof GRPC_CODES;

const HTTP_STATUS: Record<GrpcStatus, number> = {
	OK: 200,
	CANCELLED: 499,
	UNKNOWN: 500,
	INVALID_ARGUMENT: 400,
	DEADLINE_EXCEEDED: 504,
	NOT_FOUND: 404,
	ALREADY_EXISTS: 409,
	PERMISSION_DENIED: 403,
	RESOURCE_EXHAUSTED: 429,
	FAILED_PRECONDITION: 400,
	ABORTED: 409,
	OUT_OF_RANGE: 400,
	UNIMPLEMENTED: 501,
	INTERNAL: 500,
	UNAVAILABLE: 503,
	DATA_LOSS: 500,
	UNAUTHENTICATED: 401,
};

export interface FieldViolation {
	/** Left out for a violation of the request as a whole (an unknown top-level name). */
	field?: string;
	description: string;
}

/** An error the emulator answers with, in Google's JSON envelope. */
export class ApiError extends Error {
	readonly httpStatus: number;
	constructor(
		readonly status: GrpcStatus,
		message: string,
		readonly details: Array<Record<string, unknown>> = [],
		httpStatus?: number,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
		this.httpStatus = httpStatus ?? HTTP_STATUS[status];
	}

	get grpcCode(): number {
		return GRPC_CODES[this.status];
	}

	envelope(): Record<string, unknown> {
		const error: Record<string, unknown> = { code: this.httpStatus, message: this.message, status: this.status };
		if (this.details.length > 0) error.details = this.details;
		return { error };
	}
}

/**
 * Vertex's request-validation failure: one INVALID_ARGUMENT listing each field, with a BadRequest
 * detail (the form the location-mismatch error takes on the wire).
 */
export function fieldViolations(violations: FieldViolation[], status: GrpcStatus = 'INVALID_ARGUMENT'): ApiError {
	const listed = violations.map((v, i) => `${i + 1}.Field: ${v.field}; Message: ${v.description}`).join('\t');
	return new ApiError(status, `List of found errors:\t${listed}\t`, [
		{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations },
	]);
}

/**
 * A body or query that does not parse as the request message: one INVALID_ARGUMENT whose message joins
 * each violation's description, as Google's front end answers ("Invalid JSON payload received. ...").
 */
export function invalidPayload(violations: FieldViolation[]): ApiError {
	return new ApiError('INVALID_ARGUMENT', violations.map((v) => v.description).join('\n'), [
		{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations },
	]);
}

export function notFound(kind: string, name: string): ApiError {
	return new ApiError('NOT_FOUND', `${kind} "${name}" not found`);
}

/** The google.rpc.Status an operation carries in `error`. */
export function operationStatus(error: ApiError): Record<string, unknown> {
	const status: Record<string, unknown> = { code: error.grpcCode, message: error.message };
	if (error.details.length > 0) status.details = error.details;
	return status;
}
