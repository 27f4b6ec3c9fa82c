/**
 * Long-running operations: read, cancel, and wait with backoff under an explicit deadline. A wait that
 * stops (deadline, cancel) never stops the operation, and always says its name so it can be resumed.
 */
import { VertexOperationError, VertexValidationError } from './errors';
import type { HttpSender } from './http';
import { pollUntil } from './polling';
import { GRPC_CODE_NAMES } from './schemas/common';
import { operationSchema, type Operation } from './schemas/operation';
import { sendJson } from './transport/json';

export interface OperationsContext {
	sender: HttpSender;
	/** Control-plane origin, e.g. https://us-central1-aiplatform.googleapis.com. */
	baseUrl: string;
}

export interface WaitOptions {
	/** Overall deadline for the wait; default 45 minutes (deploys take tens of minutes). */
	timeoutMs?: number;
	signal?: AbortSignal;
	/** First pause between polls; default 1 s. */
	initialDelayMs?: number;
	/** Longest pause between polls; default 30 s. */
	maxDelayMs?: number;
	/** Growth of the pause after each poll; default 1.5. */
	backoffFactor?: number;
	/** Called with every polled state (deploys report metadata.deploymentStage). */
	onProgress?: (operation: Operation) => void;
}

export const DEFAULT_OPERATION_TIMEOUT_MS = 45 * 60_000;
const DEFAULT_INITIAL_DELAY_MS = 1_000;
const DEFAULT_MAX_DELAY_MS = 30_000;
const DEFAULT_BACKOFF_FACTOR = 1.5;

const SEGMENT = '[^/?#\\s\\\\]+';
const OPERATION_NAME_PATTERN = new RegExp(`^projects/${SEGMENT}/locations/${SEGMENT}(/${SEGMENT})*/operations/${SEGMENT}$`);

/** Checks an operation name; it is then used verbatim (it carries the project number, not the id). */
export function assertOperationName(name: string, field = 'operationName'): string {
	const trimmed = typeof name === 'string' ? name.trim() : '';
	if (!OPERATION_NAME_PATTERN.test(trimmed) || trimmed.split('/').some((segment) => segment === '.' || segment === '..')) {
		throw new VertexValidationError(
			`${field} "${String(name)}" is not an operation name: expected projects/{project}/locations/{location}/.../operations/{id}, as returned when the operation started.`,
			field,
		);
	}
	return trimmed;
}

export async function getOperation(context: OperationsContext, name: string, signal?: AbortSignal): Promise<Operation> {
	const verbatim = assertOperationName(name);
	return sendJson(
		context.sender,
		{ method: 'GET', url: `${context.baseUrl}/v1/${verbatim}`, signal, retry: true },
		operationSchema,
		'operation',
	);
}

/** Asks Vertex to cancel; the operation then ends with error CANCELLED (cancellation is best effort). */
export async function cancelOperation(context: OperationsContext, name: string, signal?: AbortSignal): Promise<void> {
	const verbatim = assertOperationName(name);
	const { body } = await context.sender.send({
		method: 'POST',
		url: `${context.baseUrl}/v1/${verbatim}:cancel`,
		headers: { 'content-type': 'application/json' },
		body: '{}',
		signal,
		retry: true,
	});
	for await (const chunk of body) void chunk;
}

function grpcCodeName(code: number | undefined): string | undefined {
	return code === undefined ? undefined : GRPC_CODE_NAMES[code];
}

/** The done operation, or VertexOperationError('failed') when it finished with an error. */
export function settledOperation(operation: Operation): Operation {
	if (!operation.error) return operation;
	const { code, message } = operation.error;
	const codeName = grpcCodeName(code);
	const codeText = code === undefined ? '' : ` (${codeName ? `${codeName}, ` : ''}code ${code})`;
	throw new VertexOperationError(
		`Operation ${operation.name} failed${codeText}: ${message?.trim() || 'no message given'}`,
		operation.name,
		'failed',
		code,
	);
}

function minutes(ms: number): string {
	const value = Math.round((ms / 60_000) * 10) / 10;
	return value >= 1 ? `${value} min` : `${Math.round(ms / 1000)} s`;
}

/**
 * Polls until the operation is done. Resolves with the done operation (response set); throws
 * VertexOperationError with reason failed | timeout | aborted, always naming the operation.
 */
export async function waitForOperation(
	context: OperationsContext,
	nameOrOperation: string | Operation,
	options: WaitOptions = {},
): Promise<Operation> {
	if (typeof nameOrOperation !== 'string' && nameOrOperation.done) return settledOperation(nameOrOperation);
	const name = assertOperationName(typeof nameOrOperation === 'string' ? nameOrOperation : nameOrOperation.name);
	const timeoutMs = options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
	const operation = await pollUntil(
		async (signal) => {
			const polled = await getOperation(context, name, signal);
			options.onProgress?.(polled);
			return polled;
		},
		(polled) => polled.done === true,
		{
			timeoutMs,
			signal: options.signal,
			initialDelayMs: options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS,
			maxDelayMs: options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
			backoffFactor: options.backoffFactor ?? DEFAULT_BACKOFF_FACTOR,
			// A name alone is polled at once (resume); a fresh operation object gets the first pause.
			pauseFirst: typeof nameOrOperation !== 'string',
		},
		{
			timedOut: () =>
				new VertexOperationError(
					`Stopped waiting for operation ${name} after ${minutes(timeoutMs)}: it is still running in Vertex AI. Wait again with this operation name to resume, or cancel it.`,
					name,
					'timeout',
				),
			aborted: () =>
				new VertexOperationError(
					`Stopped waiting for operation ${name} because the run was cancelled; the operation itself goes on in Vertex AI (resume with its name, or cancel it).`,
					name,
					'aborted',
				),
		},
	);
	return settledOperation(operation);
}
