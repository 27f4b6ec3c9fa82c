/**
 * What a node does with the long-running operation a change started: nothing to wait for when an existing resource
 * was used; without waiting, the operation as it is (and its result when it is already done); else the wait.
 */
import type { OperationType } from './operationTypes';
import type { WaitOptions } from './operations';
import type { Operation } from './schemas/operation';

/** The part of the client this needs (VertexClient has it). */
export interface OperationWaiter {
	waitForResult<Result>(type: OperationType<Result>, nameOrOperation: string | Operation, options?: WaitOptions): Promise<{ operation: Operation; result: Result }>;
}

/**
 * The outcome of a started (or resumed) operation: `result` is set exactly when the operation is done. `wait`
 * undefined: no wait (a done operation's result is still read). A failed, timed-out or aborted wait throws the
 * core's VertexOperationError naming the operation, so nothing is left half-done without saying where.
 */
export async function settleOperation<Result>(
	client: OperationWaiter,
	type: OperationType<Result>,
	operation: Operation | undefined,
	wait: WaitOptions | undefined,
): Promise<{ operation?: Operation; result?: Result }> {
	if (!operation) return {};
	if (wait === undefined) return operation.done ? { operation, result: (await client.waitForResult(type, operation)).result } : { operation };
	return await client.waitForResult(type, operation, wait);
}
