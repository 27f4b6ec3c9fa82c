/**
 * A deploy's outcome (client.deploy) as the fields every adapter outputs, so the n8n and Node-RED nodes say the
 * same thing about a deploy: the ids the nodes after it look for, then the traffic, reuse and operation state.
 */
import { resourceId } from '../names';
import { deploymentStageOf, type Operation } from '../schemas/operation';
import type { DeployOutcome } from './deployedCopies';

/** The operation's name and whether it is done (no operation: nothing was started, so done). */
function operationState(operation: Operation | undefined): { operationName: string | null; done: boolean } {
	return { operationName: operation?.name ?? null, done: operation ? operation.done === true : true };
}

/** The endpoint and model a deploy was asked for, as full resource names (for outputs before the deploy is done). */
export interface DeployNames {
	endpoint: string;
	model: string;
}

/**
 * A deploy's outcome as an adapter outputs it: its ids first, then the rest. A deploy not done yet has the same fields
 * as a finished one, null where only the finished operation tells.
 */
export function deploySummary(outcome: DeployOutcome, names: DeployNames): { ids: Record<string, unknown>; rest: Record<string, unknown> } {
	const { operation, result, existing, endpoint, undeployedModelIds } = outcome;
	if (existing) {
		const { deployedModel, endpoint: after } = existing;
		return {
			ids: deployIds(deployedModel.id ?? null, after.name, deployedModel.model ?? names.model, deployedModel.modelVersionId ?? null),
			rest: {
				trafficSplit: after.trafficSplit ?? {},
				reused: true,
				undeployedModelIds: [],
				deploymentStage: null,
				operationName: null,
				done: true,
			},
		};
	}
	const deploymentStage = (operation && deploymentStageOf(operation)) ?? null;
	if (!result || !endpoint) {
		return {
			ids: deployIds(null, names.endpoint, names.model, null),
			rest: { trafficSplit: null, reused: false, undeployedModelIds: [], deploymentStage, ...operationState(operation) },
		};
	}
	return {
		ids: deployIds(result.deployedModelId, endpoint.name, result.model || names.model, result.modelVersionId ?? null),
		rest: {
			trafficSplit: endpoint.trafficSplit ?? {},
			reused: false,
			undeployedModelIds,
			deploymentStage,
			...operationState(operation),
		},
	};
}

/**
 * The ids a deploy outputs first: the deployed model's, then the endpoint's and the model's (bare ids, then full names),
 * named as the Create and Upload nodes name them, so the nodes after it find them where they look.
 */
function deployIds(deployedModelId: string | null, endpoint: string, model: string, modelVersionId: string | null): Record<string, unknown> {
	return {
		deployedModelId,
		endpointId: resourceId(endpoint),
		modelId: resourceId(model),
		modelVersionId,
		endpoint,
		model: model.split('@')[0],
	};
}
