/** google.longrunning.Operations: get, list, :wait, :cancel, delete; and finishing the quick operations. */
import { typeUrl, type ApiCall, type EmulatorContext } from './context';
import { ApiError, GRPC_CODES, type GrpcStatus } from './googleErrors';
import { parseDuration } from './ids';
import { filterPredicate, listResponse, page } from './listing';
import type { OperationRecord } from './operations';

const DEFAULT_WAIT_MS = 60_000;
const MAX_WAIT_MS = 600_000;

/** An `operation-failure` fault armed for this call, as the error the operation will end with. */
export function injectedOperationFailure(ctx: EmulatorContext, call: ApiCall): ApiError | undefined {
	const rule = ctx.faults.take('operation', call.path, call.method);
	if (!rule) return undefined;
	const status = (rule.grpcStatus && rule.grpcStatus in GRPC_CODES ? rule.grpcStatus : 'INTERNAL') as GrpcStatus;
	return new ApiError(status, rule.message ?? 'Injected operation failure (emulator fault).');
}

/** Upload and create finish after one operation step, so callers have to poll at least once. */
export function completeQuickOperation(
	ctx: EmulatorContext,
	call: ApiCall,
	op: OperationRecord,
	response: () => Record<string, unknown>,
	onFailure: () => void,
): void {
	const failure = injectedOperationFailure(ctx, call);
	ctx.background(async () => {
		await ctx.pause(ctx.operationStepMs);
		if (op.done) {
			// Cancelled meanwhile.
			onFailure();
			return;
		}
		if (failure) {
			onFailure();
			ctx.operations.fail(op, failure);
			return;
		}
		ctx.operations.succeed(op, response());
	});
}

/**
 * Deletes take effect at once, so their operation is done when returned. Vertex names it under the
 * location, not under the resource that is gone.
 */
export function finishedDeleteOperation(ctx: EmulatorContext, call: ApiCall): Record<string, unknown> {
	const op = ctx.operations.create(ctx.store.parent, typeUrl(call.version, 'DeleteOperationMetadata'));
	ctx.operations.succeed(op, { '@type': 'type.googleapis.com/google.protobuf.Empty' });
	return ctx.operations.toJson(op);
}

function requireOperation(ctx: EmulatorContext, name: string): OperationRecord {
	const op = ctx.operations.get(name);
	if (!op) throw new ApiError('NOT_FOUND', `Operation "${name}" not found.`);
	return op;
}

export function getOperation(ctx: EmulatorContext, name: string): Record<string, unknown> {
	return ctx.operations.toJson(requireOperation(ctx, name));
}

/** ListOperations on a location, model or endpoint; `filter` takes `done=true|false`. */
export function listOperations(ctx: EmulatorContext, call: ApiCall, parent: string): Record<string, unknown> {
	const keep = filterPredicate(call.query, { done: (op) => op.done === true }, false);
	const all = ctx.operations.listUnder(parent).map((op) => ctx.operations.toJson(op)).filter(keep);
	return listResponse('operations', page(all, call.query));
}

export async function waitOperation(ctx: EmulatorContext, call: ApiCall, name: string): Promise<Record<string, unknown>> {
	const op = requireOperation(ctx, name);
	// WaitOperation's bindings have no body: the timeout (a Duration, already checked) comes in the query.
	const raw = call.query.get('timeout');
	const timeoutMs = raw === null ? DEFAULT_WAIT_MS : Math.min(parseDuration(raw) ?? DEFAULT_WAIT_MS, MAX_WAIT_MS);
	await ctx.operations.wait(op, timeoutMs);
	return ctx.operations.toJson(op);
}

export function cancelOperation(ctx: EmulatorContext, name: string): Record<string, unknown> {
	const op = requireOperation(ctx, name);
	if (!op.done) {
		op.cancelRequested = true;
		// The background work sees the flag and cleans up (a deploy stops its model server).
		ctx.operations.fail(op, new ApiError('CANCELLED', 'Operation was cancelled.'));
	}
	return {};
}

export function deleteOperation(ctx: EmulatorContext, name: string): Record<string, unknown> {
	ctx.operations.delete(requireOperation(ctx, name).name);
	return {};
}
