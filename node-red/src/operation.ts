/**
 * What the nodes that start a long-running operation share: the wait's timeout field, the stage in the node's
 * status while it waits (the signal stops the wait on close or redeploy), and the core's refusals in the node's
 * words.
 */
import { checkWaitTimeout, VertexValidationError, WAIT_TIMEOUT_RULE, type IfExists, type Operation, type WaitOptions } from '../../lib';

import type { FieldSpec, ReadFields } from './fields';
import type { NodeStatus, RuntimeNode } from './red';
import { showStatus } from './runtime';

export const WAIT_MINUTES: FieldSpec = { name: 'waitMinutes', label: 'Wait Timeout (min)', kind: 'number' };

const DEFAULT_WAIT_MINUTES = 60;

/** "If the ID exists" of the nodes that create under a chosen id: fail (the default) or use it (the core's rule). */
export const IF_EXISTS: readonly IfExists[] = ['fail', 'use'];

const secondsSince = (started: number) => Math.round((Date.now() - started) / 1000);

/**
 * The wait of one message: the timeout in the node's field `field` (unset: `defaultMinutes`, or the core's default
 * when that is null), checked by the core's rule before anything starts; the signal; each new stage in the
 * status (`fill`), and with `showWaiting` how long it has waited before the first stage.
 */
export function waitOptions(
	node: RuntimeNode,
	read: ReadFields,
	signal: AbortSignal,
	{
		field = WAIT_MINUTES.name,
		defaultMinutes = DEFAULT_WAIT_MINUTES,
		fill = 'yellow',
		showWaiting = false,
	}: { field?: string; defaultMinutes?: number | null; fill?: NodeStatus['fill']; showWaiting?: boolean } = {},
): WaitOptions {
	const minutes = (read.values[field] as number | undefined) ?? defaultMinutes ?? undefined;
	let timeoutMs: number | undefined;
	if (minutes !== undefined) {
		try {
			timeoutMs = checkWaitTimeout(minutes * 60_000);
		} catch {
			throw read.refuse(field, `must be ${WAIT_TIMEOUT_RULE} (in minutes)`);
		}
	}
	const started = Date.now();
	let stage: string | undefined;
	return {
		timeoutMs,
		signal,
		onStageChange: (next) => {
			stage = next;
			showStatus(node, fill, next.toLowerCase().replace(/_/g, ' '));
		},
		onProgress: (operation: Operation) => {
			if (showWaiting && stage === undefined) showStatus(node, fill, `waiting ${secondsSince(started)} s for ${operation.name.split('/').at(-1)}`, 'ring');
		},
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
