/** Traffic-split arithmetic for deploy and undeploy, in whole percentages that always total 100. */
import { fieldRef, messageParts, VertexValidationError } from '../errors';
import { NEW_MODEL_TRAFFIC_KEY } from '../schemas/endpoint';

/**
 * Scales `shares` to add up to `total` in whole numbers, by the rule of Google's Python SDK
 * (`Endpoint._allocate_traffic` / `_unallocate_traffic`): each share rounded down, then the points left
 * over given one each to the models in the split's order. Integer arithmetic, so no float truncation.
 */
function scaleTo(shares: Record<string, number>, total: number): Record<string, number> {
	const entries = Object.entries(shares);
	const sum = entries.reduce((acc, [, share]) => acc + share, 0);
	const result: Record<string, number> = {};
	let given = 0;
	for (const [id, share] of entries) {
		result[id] = sum > 0 ? Math.floor((share * total) / sum) : 0;
		given += result[id];
	}
	// Each share loses less than one point to rounding, so the leftover is below the number of models.
	for (const [id] of entries.slice(0, total - given)) result[id] += 1;
	return result;
}

/**
 * The split for deploying a new model with `percentage` of the traffic: the models already deployed keep
 * their relative shares, scaled down to 100 - percentage (as Google's Python SDK does). On an endpoint
 * without traffic the new model takes 100.
 */
export function trafficSplitForDeploy(current: Record<string, number> | undefined, percentage: number): Record<string, number> {
	const existing = Object.fromEntries(Object.entries(current ?? {}).filter(([id]) => id !== NEW_MODEL_TRAFFIC_KEY));
	const existingTotal = Object.values(existing).reduce((acc, share) => acc + share, 0);
	if (existingTotal === 0) return { [NEW_MODEL_TRAFFIC_KEY]: 100 };
	return { ...scaleTo(existing, 100 - percentage), [NEW_MODEL_TRAFFIC_KEY]: percentage };
}

/**
 * The split after removing `deployedModelId`: the other deployed models scaled up proportionally to 100;
 * undefined when no split is needed (nothing else deployed, or the removed model carried no traffic).
 * `deployedModelIds` lists every model on the endpoint, since a split omits models at 0. When the removed
 * model carried all the traffic, `heir` (one of the others) takes it; without one that is an error.
 */
export function trafficSplitForUndeploy(
	current: Record<string, number> | undefined,
	deployedModelIds: string[],
	deployedModelId: string,
	heir?: string,
): Record<string, number> | undefined {
	const split = current ?? {};
	const removedShare = split[deployedModelId] ?? 0;
	const otherIds = [...new Set([...deployedModelIds, ...Object.keys(split)])].filter((id) => id !== deployedModelId);
	if (removedShare === 0 || otherIds.length === 0) return undefined;
	const others = Object.fromEntries(otherIds.map((id) => [id, split[id] ?? 0]));
	const othersTotal = Object.values(others).reduce((acc, share) => acc + share, 0);
	if (othersTotal === 0 && heir !== undefined && otherIds.includes(heir)) return { [heir]: 100 };
	if (othersTotal === 0) {
		throw new VertexValidationError(
			messageParts`Deployed model ${deployedModelId} carries all the traffic: give a ${fieldRef('trafficSplit')} saying which remaining deployed model (${otherIds.join(', ')}) takes it.`,
			'trafficSplit',
			{ readsSent: true },
		);
	}
	return scaleTo(others, 100);
}

/**
 * The split that gives `deployedModelId` (already deployed) `percentage` of the traffic, the other models
 * keeping their relative shares in the rest; the same arithmetic as a deploy with that percentage.
 */
export function trafficSplitGiving(
	current: Record<string, number> | undefined,
	deployedModelId: string,
	percentage: number,
): Record<string, number> {
	const others = Object.fromEntries(Object.entries(current ?? {}).filter(([id]) => id !== deployedModelId));
	const { [NEW_MODEL_TRAFFIC_KEY]: share, ...rest } = trafficSplitForDeploy(others, percentage);
	return { ...rest, [deployedModelId]: share };
}
