/**
 * Long-running operations: read, cancel, and wait with backoff under an explicit deadline. A wait that
 * stops (deadline, cancel) never stops the operation, and always says its name so it can be resumed.
 */
import type { ApiVersion } from './apiVersion';
import { fieldRef, messageParts, VertexOperationError, VertexValidationError } from './errors';
import type { CallOptions, HttpSender } from './http';
import type { OperationType } from './operationTypes';
import { listQuery, type ListOptions } from './listQuery';
import { scopedApiUrl } from './names';
import { pollUntil } from './polling';
import { OPERATION_NAME, OPERATION_OWNER } from './rules/ids';
import { GRPC_CODE_NAMES } from './schemas/common';
import { deploymentStageOf, listOperationsResponseSchema, operationSchema, type Operation } from './schemas/operation';
import { quoteForMessage } from './secrets';
import { sendJson, withQuery } from './transport/json';

export interface OperationsContext {
	sender: HttpSender;
	/** Control-plane origin, e.g. https://us-central1-aiplatform.googleapis.com. */
	baseUrl: string;
	/** The location the host serves (a client's); when set, operation names elsewhere are refused. */
	location?: string;
	/** The API version of the calls (default v1): an operation is read in the version that started it. */
	apiVersion?: ApiVersion;
}

export interface WaitOptions extends CallOptions {
	/** Overall deadline for the wait; default 45 minutes (deploys take tens of minutes). */
	timeoutMs?: number;
	/**
	 * Shortest pause between polls, and the pause before the first poll of a just-started operation (a name
	 * alone, as when resuming, is polled at once); default 1 s. The pause after each poll is 10 % of the time
	 * waited so far, kept between initialDelayMs and maxDelayMs (up to 10 % shorter, as jitter): completion is
	 * noticed within max(1 s, 10 % of the time waited). With the defaults: a poll every second for the first
	 * 10 s, then the pause grows with the wait, then one poll every 20 s from 200 s on (about 30 polls for a
	 * 1-minute operation, 120 to 135 for a 30-minute one). A transient poll error (429, 5xx, UNAVAILABLE, a reset or
	 * timed-out connection) never ends the wait before timeoutMs: polling goes on with backoff (doubling from
	 * initialDelayMs, up to maxDelayMs) and never sooner than the error's Retry-After; any other error ends it
	 * at once, naming the operation.
	 */
	initialDelayMs?: number;
	/** Longest pause between polls (and between retries after transient poll errors); default 20 s. */
	maxDelayMs?: number;
	/** Called with every polled state. */
	onProgress?: (operation: Operation) => void;
	/** Called when a deploy's metadata.deploymentStage changes (once per stage, the first seen included). */
	onStageChange?: (stage: string, operation: Operation) => void;
}

export const DEFAULT_OPERATION_TIMEOUT_MS = 45 * 60_000;
const DEFAULT_INITIAL_DELAY_MS = 1_000;
/** Google's client libraries cap their operation polling pause at 20 s too (google-api-core DEFAULT_POLLING). */
const DEFAULT_MAX_DELAY_MS = 20_000;

/** The rule of a wait's deadline. */
export const WAIT_TIMEOUT_RULE = 'a time above 0';

/**
 * A wait's deadline in milliseconds, checked: a number above 0. Nodes check it before they start what they wait
 * for, so that a bad timeout never leaves an operation started and not waited for.
 */
export function checkWaitTimeout(timeoutMs: number): number {
	if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
		throw new VertexValidationError(messageParts`${fieldRef('timeoutMs')} must be ${WAIT_TIMEOUT_RULE}.`, 'timeoutMs', { rule: WAIT_TIMEOUT_RULE });
	}
	return timeoutMs;
}

/**
 * Checks an operation name against Vertex's grammar (lib/rules/ids.ts: a project, a location, optionally a
 * model, endpoint or other owner, then `operations/{number}`); it is then used verbatim (it carries the project
 * number, not the id).
 */
export function assertOperationName(name: string, field = 'operationName'): string {
	const trimmed = typeof name === 'string' ? name.trim() : '';
	if (!OPERATION_NAME.pattern.test(trimmed)) {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} ${quoteForMessage(name)} is not an operation name: expected projects/{project}/locations/{location}/.../operations/{number}, as returned when the operation started.`,
			field,
		);
	}
	return trimmed;
}

/** The URL of an operation (with `suffix`, e.g. ":cancel"), built and checked as every control-plane URL is. */
function operationUrl(context: OperationsContext, name: string, suffix = ''): string {
	return scopedApiUrl(context.baseUrl, `${assertOperationName(name)}${suffix}`, 'operationName', context.location, context.apiVersion);
}

export async function getOperation(context: OperationsContext, name: string, options: CallOptions = {}): Promise<Operation> {
	return sendJson(
		context.sender,
		{ method: 'GET', url: operationUrl(context, name), signal: options.signal, retry: true },
		operationSchema,
		'operation',
	);
}

/** Asks Vertex to cancel; the operation then ends with error CANCELLED (cancellation is best effort). */
export async function cancelOperation(context: OperationsContext, name: string, options: CallOptions = {}): Promise<void> {
	const { body } = await context.sender.send({
		method: 'POST',
		url: operationUrl(context, name, ':cancel'),
		headers: { 'content-type': 'application/json' },
		body: '{}',
		signal: options.signal,
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
	const codeText = code === undefined ? undefined : `${codeName ? `${codeName}, ` : ''}code ${code}`;
	const reason = message?.trim() || 'no message given';
	throw new VertexOperationError(
		`The operation failed: ${/[.!?]$/.test(reason) ? reason : `${reason}.`}`,
		operation.name,
		'failed',
		code,
		[codeText, `operation ${operation.name}`].filter(Boolean).join('; '),
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
	const timeoutMs = checkWaitTimeout(options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS);
	let lastStage: string | undefined;
	const operation = await pollUntil(
		async (signal) => {
			const polled = await getOperation(context, name, { signal });
			options.onProgress?.(polled);
			const stage = deploymentStageOf(polled);
			if (stage !== undefined && stage !== lastStage) {
				lastStage = stage;
				options.onStageChange?.(stage, polled);
			}
			return polled;
		},
		(polled) => polled.done === true,
		{
			timeoutMs,
			signal: options.signal,
			initialDelayMs: options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS,
			maxDelayMs: options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
			// A name alone is polled at once (resume); a fresh operation object gets the first pause.
			pauseFirst: typeof nameOrOperation !== 'string',
		},
		{
			timedOut: (lastFailure) =>
				new VertexOperationError(
					lastFailure === undefined
						? `Stopped waiting after ${minutes(timeoutMs)}: the operation is still running in Vertex AI. Wait again with its name to resume, or cancel it.`
						: `Stopped waiting after ${minutes(timeoutMs)}: the operation may still be running in Vertex AI. Wait again with its name to resume, or cancel it. The last poll failed: ${lastFailure}`,
					name,
					'timeout',
					undefined,
					`operation ${name}`,
				),
			aborted: () =>
				new VertexOperationError(
					'Stopped waiting because the run was cancelled; the operation itself goes on in Vertex AI (resume with its name, or cancel it).',
					name,
					'aborted',
					undefined,
					`operation ${name}`,
				),
			failedPrefix: 'Stopped waiting: polling the operation failed with an error that retrying will not fix (the operation itself is not stopped)',
			failedContext: `operation ${name}`,
		},
	);
	return settledOperation(operation);
}

/** Waits as waitForOperation does, then reads the operation's typed result. */
export async function waitForResult<Result>(
	context: OperationsContext,
	type: OperationType<Result>,
	nameOrOperation: string | Operation,
	options: WaitOptions = {},
): Promise<{ operation: Operation; result: Result }> {
	const operation = await waitForOperation(context, nameOrOperation, options);
	return { operation, result: type.resultOf(operation) };
}

/** google.longrunning ListOperations for a model, an endpoint or a location: one page. */
export async function listOperations(
	context: OperationsContext,
	owner: string,
	/** `filter` e.g. `done=false`. */
	options: ListOptions = {},
): Promise<{ operations: Operation[]; nextPageToken?: string }> {
	if (typeof owner !== 'string' || !OPERATION_OWNER.pattern.test(owner)) {
		throw new VertexValidationError(`${quoteForMessage(owner)} is not a model, endpoint or location name to list operations of.`, 'resource');
	}
	const url = withQuery(scopedApiUrl(context.baseUrl, `${owner}/operations`, 'resource', context.location, context.apiVersion), listQuery(options));
	const page = await sendJson(context.sender, { method: 'GET', url, signal: options.signal }, listOperationsResponseSchema, 'operation list');
	return { operations: page.operations ?? [], ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
}
