import type { IExecuteFunctions } from 'n8n-workflow';

import { deploymentStageOf, type Operation, type VertexClient } from '../../lib';

/**
 * Starts a long-running operation (or picks up one named in "Resume Operation") and, when asked, waits for
 * it with the node's timeout and the execution's cancel signal. A failed, timed-out or cancelled wait throws
 * a VertexOperationError that names the operation, so nothing is left half-done without saying where.
 */
export async function startOrResumeOperation(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: VertexClient,
	/** Starts the operation; undefined when there is nothing to wait for (e.g. an existing resource was reused). */
	start: () => Promise<Operation | undefined>,
): Promise<Operation | undefined> {
	const signal = ctx.getExecutionCancelSignal();
	const resumeName = (ctx.getNodeParameter('resumeOperationName', itemIndex, '') as string).trim();
	const operation = resumeName ? await client.getOperation(resumeName, signal) : await start();
	if (!operation) return undefined;
	if (!(ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean)) return operation;

	const timeoutMinutes = ctx.getNodeParameter('waitTimeoutMinutes', itemIndex, 60) as number;
	let lastStage: unknown;
	return await client.waitForOperation(operation, {
		timeoutMs: timeoutMinutes * 60_000,
		signal,
		onProgress: (progress) => {
			const stage = deploymentStageOf(progress);
			if (stage !== undefined && stage !== lastStage) {
				lastStage = stage;
				ctx.logger.info(`Vertex AI operation ${progress.name}: ${String(stage)}`);
			}
		},
	});
}

/** The fields every operation-backed output item carries. */
export function operationFields(operation: Operation | undefined) {
	return { operationName: operation?.name ?? null, done: operation ? operation.done === true : true };
}
