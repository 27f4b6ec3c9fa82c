/**
 * What the nodes that start a long-running operation share: the wait's timeout field, the stage in the node's
 * status while it waits (the signal stops the wait on close or redeploy), and the core's refusals in the node's
 * words.
 */
import { VertexValidationError, type WaitOptions } from '../../lib';

import type { FieldSpec, ReadFields } from './fields';
import type { RuntimeNode } from './red';
import { showStatus } from './runtime';

export const WAIT_MINUTES: FieldSpec = { name: 'waitMinutes', label: 'Wait Timeout (min)', kind: 'number' };

const DEFAULT_WAIT_MINUTES = 60;

/** The wait of one message: its timeout (checked), its signal, and each new stage shown in the status. */
export function waitOptions(node: RuntimeNode, read: ReadFields, signal: AbortSignal): WaitOptions {
	const minutes = (read.values[WAIT_MINUTES.name] as number | undefined) ?? DEFAULT_WAIT_MINUTES;
	if (minutes <= 0 || minutes > 1440) throw read.refuse(WAIT_MINUTES.name, 'must be a number of minutes above 0, at most 1440');
	return {
		timeoutMs: minutes * 60_000,
		signal,
		onStageChange: (stage) => showStatus(node, 'yellow', stage.toLowerCase().replace(/_/g, ' ')),
	};
}

/** A core call whose input the core checks first: a refusal names the node's field (nothing was sent). */
export async function checkedCall<T>(read: ReadFields, call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (error) {
		throw error instanceof VertexValidationError ? read.refusal(error) : error;
	}
}

/** A plain choice of the node, one of `allowed`, or its first (the default) when unset. */
export function choiceOf<T extends string>(value: unknown, allowed: readonly T[]): T {
	return allowed.find((choice) => choice === value) ?? allowed[0];
}
