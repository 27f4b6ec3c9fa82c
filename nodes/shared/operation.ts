import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import type { Operation, OperationType, VertexClient, WaitOptions } from '../../lib';

export interface WaitSettings {
	/** Undefined when "Wait for Completion" is off. */
	timeoutMs: number | undefined;
	/** "Resume Operation": wait for this operation instead of starting one. */
	resumeName: string | undefined;
}

/**
 * "Wait for Completion", "Wait Timeout (Minutes)" and "Resume Operation" of one item, checked before
 * anything is started: a timeout that is not a number above 0 would otherwise start a deploy and then fail.
 */
export function waitSettings(ctx: IExecuteFunctions, itemIndex: number, defaultTimeoutMinutes = 60): WaitSettings {
	const resumeName = String(ctx.getNodeParameter('resumeOperationName', itemIndex, '') ?? '').trim() || undefined;
	const wait = ctx.getNodeParameter('waitForCompletion', itemIndex, true);
	if (typeof wait !== 'boolean') {
		throw new NodeOperationError(ctx.getNode(), '"Wait for Completion" must be true or false.', {
			itemIndex,
			description: 'Check the parameter "Wait for Completion". Nothing was started.',
		});
	}
	if (!wait) return { timeoutMs: undefined, resumeName };
	const minutes = ctx.getNodeParameter('waitTimeoutMinutes', itemIndex, defaultTimeoutMinutes);
	if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0 || minutes > 1440) {
		throw new NodeOperationError(
			ctx.getNode(),
			'"Wait Timeout (Minutes)" must be a number of minutes above 0 and at most 1440.',
			{ itemIndex, description: 'Check the parameter "Wait Timeout (Minutes)". Nothing was started.' },
		);
	}
	return { timeoutMs: minutes * 60_000, resumeName };
}

/** The wait options every node uses: the item's signal, its timeout, and each new deploy stage logged. */
export function nodeWaitOptions(ctx: IExecuteFunctions, timeoutMs: number, signal: AbortSignal): WaitOptions {
	return {
		timeoutMs,
		signal,
		onStageChange: (stage, operation) => ctx.logger.info(`Vertex AI operation ${operation.name}: ${stage}`),
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
	const operation = settings.resumeName ? await client.getOperation(settings.resumeName, { signal }) : await start();
	if (!operation) return {};
	if (settings.timeoutMs === undefined) {
		return operation.done ? { operation, result: (await client.waitForResult(type, operation)).result } : { operation };
	}
	return await client.waitForResult(type, operation, nodeWaitOptions(ctx, settings.timeoutMs, signal));
}

/** The fields every operation-backed output item carries. */
export function operationFields(operation: Operation | undefined) {
	return { operationName: operation?.name ?? null, done: operation ? operation.done === true : true };
}
