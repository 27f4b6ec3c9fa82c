import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type NodeApiError } from 'n8n-workflow';

import { toNodeError, type ParameterNames } from './errors';

/** An output item of input item `itemIndex`, linked to it by `pairedItem`. */
export function outputItem(
	itemIndex: number,
	json: INodeExecutionData['json'],
	binary?: INodeExecutionData['binary'],
): INodeExecutionData {
	return binary ? { json, binary, pairedItem: { item: itemIndex } } : { json, pairedItem: { item: itemIndex } };
}

/**
 * Builds the output items of input item `itemIndex` that carry only json (a stream's chunk items), all linked to it by
 * one shared `pairedItem` object: n8n only reads it, and a 50,000-chunk stream then keeps one, not 50,000.
 */
export function outputItemsOf(itemIndex: number): (json: INodeExecutionData['json']) => INodeExecutionData {
	const pairedItem = { item: itemIndex };
	return (json) => ({ json, pairedItem });
}

/** The ids the pipeline nodes pass along, in the order they are output. */
const CARRIED_IDS = ['modelId', 'modelVersionId', 'model', 'endpointId', 'endpoint'] as const;

/**
 * The json of an output item of the pipeline nodes: the node's own `ids` first, then the incoming item's model and
 * endpoint ids the node does not produce itself (so in Upload -> Create -> Deploy -> Invoke, `{{ $json.modelId }}`
 * and `{{ $json.endpointId }}` are right at every step), then the rest, whose `done` and `operationName` come last.
 */
export function withCarriedIds(ctx: IExecuteFunctions, itemIndex: number, ids: IDataObject, rest: IDataObject): IDataObject {
	const incoming = ctx.getInputData()[itemIndex]?.json ?? {};
	const carried: IDataObject = {};
	for (const key of CARRIED_IDS) {
		const value = incoming[key];
		if (!(key in ids) && !(key in rest) && typeof value === 'string' && value !== '') carried[key] = value;
	}
	const { done, operationName, ...others } = rest;
	return {
		...ids,
		...carried,
		...others,
		...(done === undefined ? {} : { done }),
		...(operationName === undefined ? {} : { operationName }),
	};
}

export interface PerItemOptions<Prepared = unknown> {
	/**
	 * How many items run at once (a whole number of at least 1; anything else is refused, never coerced), or a
	 * function reading it: a failure there becomes every item's outcome, as any item's failure would. Results keep
	 * the input order whatever the concurrency.
	 */
	concurrency?: number | (() => number);
	/** How the node names the core's fields (or only their labels), for errors in the editor's words. */
	parameterOf?: ParameterNames;
	/**
	 * The check-first step: reads an item's parameters and builds what its handler will send, without sending
	 * anything. It runs for every item before the first item is handled, so a bad value in any item stops the node
	 * before its first request; under "Continue On Fail" that item gets the error as its outcome and is not handled,
	 * the others go on. The handler receives what it returned, so the request that was checked is the one sent.
	 * Keep it small (no file bytes): every item's prepared value is held until that item starts.
	 */
	prepare?: (itemIndex: number) => Prepared | Promise<Prepared>;
}

/**
 * The one item loop every node uses: each input item gives exactly one outcome (its items, or an error
 * item under "Continue On Fail"), and output order follows input. Handlers build items with `outputItem`
 * and pass the given signal to their calls: it aborts when the execution is cancelled, and when another
 * item's failure stops the node, so no request runs on for a result that will be thrown away.
 */
export async function runForEachItem<Prepared = undefined>(
	ctx: IExecuteFunctions,
	handleItem: (itemIndex: number, signal: AbortSignal, prepared: Prepared) => Promise<INodeExecutionData[]>,
	options: PerItemOptions<Prepared> = {},
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
	// Every item's parameters are checked before any item sends a request.
	const prepared: Prepared[] = new Array(items.length);
	if (options.prepare) {
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				prepared[itemIndex] = await options.prepare(itemIndex);
			} catch (error) {
				const nodeError = toNodeError(ctx.getNode(), error, itemIndex, options.parameterOf);
				if (!ctx.continueOnFail()) throw nodeError;
				outcomes[itemIndex] = [errorItem(nodeError, itemIndex)];
			}
		}
	}
	let next = 0;
	const stopped = new AbortController();
	const cancel = ctx.getExecutionCancelSignal();
	const signal = cancel ? AbortSignal.any([cancel, stopped.signal]) : stopped.signal;

	const runOne = async (itemIndex: number) => {
		try {
			const itemPrepared = prepared[itemIndex];
			// Held only until the item starts: the handler owns it from here.
			prepared[itemIndex] = undefined as Prepared;
			outcomes[itemIndex] = await handleItem(itemIndex, signal, itemPrepared);
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
			const itemIndex = next++;
			// An item refused by prepare already has its error item as its outcome.
			if (outcomes[itemIndex] === undefined) await runOne(itemIndex);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	// One input item (a stream's 50,000 chunk items): its array as it is, not copied into a new one.
	return [outcomes.length === 1 ? outcomes[0] : outcomes.flat()];
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
