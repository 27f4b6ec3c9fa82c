import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type NodeApiError } from 'n8n-workflow';

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
	/**
	 * How many items run at once (a whole number of at least 1; anything else is refused, never coerced), or a
	 * function reading it: a failure there becomes every item's outcome, as any item's failure would. Results keep
	 * the input order whatever the concurrency.
	 */
	concurrency?: number | (() => number);
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
	let concurrency: number;
	try {
		concurrency = checkedConcurrency(ctx, typeof options.concurrency === 'function' ? options.concurrency() : options.concurrency);
	} catch (error) {
		// Nothing ran: each item gets this error as its outcome (or the node fails with it).
		if (!ctx.continueOnFail()) throw toNodeError(ctx.getNode(), error, 0, options.parameterOf);
		return [items.map((_, itemIndex) => errorItem(toNodeError(ctx.getNode(), error, itemIndex, options.parameterOf), itemIndex))];
	}
	concurrency = Math.min(concurrency, items.length || 1);
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
			outcomes[itemIndex] = [errorItem(nodeError, itemIndex)];
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

/** An error item: only `error` and `details`, so n8n routes it to the error output when that is on. */
function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	return outputItem(itemIndex, { error: error.message, details: error.description ?? null });
}

/** The concurrency to run with: a whole number of at least 1, else refused (NaN would run no item at all). */
function checkedConcurrency(ctx: IExecuteFunctions, value: number | undefined): number {
	if (value === undefined) return 1;
	if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
	throw new NodeOperationError(ctx.getNode(), `Concurrency must be a whole number of at least 1 (it is ${String(value)}).`);
}
