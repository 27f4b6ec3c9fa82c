import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from './errors';

/** An output item of input item `itemIndex`, linked to it by `pairedItem`. */
export function outputItem(
	itemIndex: number,
	json: INodeExecutionData['json'],
	binary?: INodeExecutionData['binary'],
): INodeExecutionData {
	return binary ? { json, binary, pairedItem: { item: itemIndex } } : { json, pairedItem: { item: itemIndex } };
}

export interface PerItemOptions {
	/** How many items run at once. Results keep the input order whatever the concurrency. */
	concurrency?: number;
	/** Maps a core field path to a parameter's display name, for validation errors. */
	parameterOf?: (field: string) => string | undefined;
}

/**
 * The one item loop every node uses: each input item gives exactly one outcome (its items, or an error
 * item under "Continue On Fail"), and output order follows input. Handlers build items with `outputItem`
 * and pass the given signal to their calls: it aborts when the execution is cancelled, and when another
 * item's failure stops the node, so no request runs on for a result that will be thrown away.
 */
export async function runForEachItem(
	ctx: IExecuteFunctions,
	handleItem: (itemIndex: number, signal: AbortSignal) => Promise<INodeExecutionData[]>,
	options: PerItemOptions = {},
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const outcomes: INodeExecutionData[][] = new Array(items.length);
	const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, items.length || 1));
	let next = 0;
	const stopped = new AbortController();
	const cancel = ctx.getExecutionCancelSignal();
	const signal = cancel ? AbortSignal.any([cancel, stopped.signal]) : stopped.signal;

	const runOne = async (itemIndex: number) => {
		try {
			outcomes[itemIndex] = await handleItem(itemIndex, signal);
		} catch (error) {
			const nodeError = toNodeError(ctx.getNode(), error, itemIndex, options.parameterOf);
			if (ctx.getExecutionCancelSignal()?.aborted) {
				// n8n marks a run as canceled (not failed) only for an error whose message says "canceled".
				stopped.abort();
				throw new NodeOperationError(ctx.getNode(), `Execution canceled: ${nodeError.message}`, {
					itemIndex,
					description: nodeError.description ?? undefined,
				});
			}
			if (!ctx.continueOnFail()) {
				stopped.abort();
				throw nodeError;
			}
			// Only `error`, `message` and `details`: n8n routes such items to the error output when that is on.
			outcomes[itemIndex] = [
				outputItem(itemIndex, { error: nodeError.message, details: nodeError.description ?? null }),
			];
		}
	};

	// Workers pull the next item index; after a failure that stops the node, none starts a new item.
	const worker = async () => {
		while (!stopped.signal.aborted && next < items.length) {
			await runOne(next++);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return [outcomes.flat()];
}
