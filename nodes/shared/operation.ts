import type { IExecuteFunctions, INodeProperties, NodeOperationError } from 'n8n-workflow';

import { OPERATION_NAME, settleOperation, VertexValidationError, type Operation, type OperationType, type VertexClient, type WaitOptions } from '../../lib';
import type { ParameterReader } from './read';

// The parameters of the nodes that start a long-running operation, and reading them

const RESUME_DESCRIPTION =
	'The operation name from an earlier run that stopped waiting (its output\'s operationName, or the name in its error): wait for that operation instead of starting a new one.';

/** "Resume Operation" as an option (in the node's "Options"), for the nodes that start a long-running operation. */
export const resumeOperationOption: INodeProperties = {
	displayName: 'Resume Operation',
	name: 'resumeOperationName',
	type: 'string',
	default: '',
	placeholder: 'projects/123/locations/us-central1/.../operations/456',
	description: RESUME_DESCRIPTION,
};

/**
 * "Wait for completion" and its timeout, for the nodes that start a long-running operation, and "Resume Operation":
 * at the top (`resume: 'top'`), or `'options'` when the node puts resumeOperationOption in its Options. Then the top
 * one stays for workflows saved before the move: shown only while it holds a value, so it is still read (and can be
 * cleared) there.
 */
export function waitParameters(defaultTimeoutMinutes: number, resume: 'top' | 'options' = 'top'): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait until Vertex AI finishes. When off, the output carries the operation name; when the wait times out, the error names it. Either way a later run can resume it.',
		},
		{
			displayName: 'Wait Timeout (Minutes)',
			name: 'waitTimeoutMinutes',
			type: 'number',
			// The editor asks for at least 1; an expression may give any number above 0 (0.5 waits 30 s).
			typeOptions: { minValue: 1, maxValue: 1440 },
			default: defaultTimeoutMinutes,
			description:
				'How long to wait before giving up waiting. The operation itself goes on in Google Cloud; its name is in the error, for Resume Operation.',
			displayOptions: { show: { waitForCompletion: [true] } },
		},
		resume === 'top'
			? { ...resumeOperationOption, description: `Optional. ${RESUME_DESCRIPTION}` }
			: {
					...resumeOperationOption,
					description: `Set in an earlier version of this node: it now sits under Options > Resume Operation. Still read here until cleared. ${RESUME_DESCRIPTION}`,
					// Shown only while it holds a value (a parameter n8n hides has no value, so `hide: ['']` cannot do it).
					displayOptions: { show: { resumeOperationName: [{ _cnd: { exists: true } }] } },
				},
	];
}

export interface WaitSettings {
	/** Undefined when "Wait for Completion" is off. */
	timeoutMs: number | undefined;
	/** "Resume Operation": wait for this operation instead of starting one. */
	resumeName: string | undefined;
	/** The refusal of "Resume Operation" naming it, for an operation name the core refuses. */
	refuseResume(message: string): NodeOperationError;
}

/**
 * "Wait for Completion", "Wait Timeout (Minutes)" and "Resume Operation" of one item, checked before
 * anything is started: a timeout that is not a number above 0 would otherwise start a deploy and then fail.
 * "Resume Operation" is read from Options where the node has it there, else (and for workflows saved before it
 * moved) from the top.
 */
export function waitSettings(read: ParameterReader, itemIndex: number): WaitSettings {
	const inOptions = read.property('options.resumeOperationName') !== undefined && read.isSet(itemIndex, 'options.resumeOperationName');
	const path = inOptions ? 'options.resumeOperationName' : 'resumeOperationName';
	const resumeName = read.text(itemIndex, path, OPERATION_NAME) || undefined;
	const refuseResume = (message: string) => read.error(itemIndex, path, message);
	if (!read.boolean(itemIndex, 'waitForCompletion')) return { timeoutMs: undefined, resumeName, refuseResume };
	const minutes = read.number(itemIndex, 'waitTimeoutMinutes', { above: 0, unit: 'minutes' });
	return { timeoutMs: minutes * 60_000, resumeName, refuseResume };
}

/**
 * The wait options every node uses: the item's signal, its timeout, and each new deploy stage reported. n8n's
 * editor shows nothing of a node while it runs (no progress, no partial output): a stage goes to n8n's log, and in a
 * manual run also to the browser's developer console (sendMessageToUI, which n8n ignores outside manual runs).
 */
export function nodeWaitOptions(ctx: IExecuteFunctions, timeoutMs: number, signal: AbortSignal): WaitOptions {
	return {
		timeoutMs,
		signal,
		onStageChange: (stage, operation) => {
			ctx.logger.info(`Vertex AI operation ${operation.name}: ${stage}`);
			try {
				ctx.sendMessageToUI(`Vertex AI deployment stage: ${stage} (operation ${operation.name})`);
			} catch {
				// Only a message for the person watching: it never fails the wait.
			}
		},
	};
}

/**
 * Starts a long-running operation (or picks up the one named in "Resume Operation") and, when asked, waits
 * for it and reads its typed result. A failed, timed-out or cancelled wait throws a VertexOperationError
 * that names the operation, so nothing is left half-done without saying where. `result` is set exactly
 * when the operation is done.
 */
export async function startOrResumeOperation<Result>(
	ctx: IExecuteFunctions,
	client: VertexClient,
	settings: WaitSettings,
	type: OperationType<Result>,
	signal: AbortSignal,
	/** Starts the operation; undefined when there is nothing to wait for (e.g. an existing resource was reused). */
	start: () => Promise<Operation | undefined>,
): Promise<{ operation?: Operation; result?: Result }> {
	const operation = settings.resumeName ? await resumed(client, settings, signal) : await start();
	const wait = settings.timeoutMs === undefined ? undefined : nodeWaitOptions(ctx, settings.timeoutMs, signal);
	return await settleOperation(client, type, operation, wait);
}

/**
 * startOrResumeOperation for a start that can find its resource already there (If Exists: Use, If Deployed: Keep):
 * `start` gives what it found as `existing`, and then no operation.
 */
export async function startOrReuse<Result, Existing>(
	ctx: IExecuteFunctions,
	client: VertexClient,
	settings: WaitSettings,
	type: OperationType<Result>,
	signal: AbortSignal,
	start: () => Promise<{ operation?: Operation; existing?: Existing }>,
): Promise<{ operation?: Operation; result?: Result; existing?: Existing }> {
	let existing: Existing | undefined;
	const outcome = await startOrResumeOperation(ctx, client, settings, type, signal, async () => {
		const started = await start();
		existing = started.existing;
		return started.operation;
	});
	return { ...outcome, existing };
}

/** The operation named in "Resume Operation"; a name the core refuses is refused naming that parameter. */
async function resumed(client: VertexClient, settings: WaitSettings, signal: AbortSignal): Promise<Operation> {
	return await client
		.getOperation(settings.resumeName as string, { signal })
		.catch((error: unknown) => Promise.reject(error instanceof VertexValidationError ? settings.refuseResume(error.message) : error));
}

/** The fields every operation-backed output item carries. */
export { operationFields } from '../../lib';
