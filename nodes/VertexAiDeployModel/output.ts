import type { IDataObject } from 'n8n-workflow';

import { deploymentStageOf, resourceId, type DeployOutcome } from '../../lib';
import { operationFields } from '../shared/operation';

/** The endpoint and model a deploy was asked for, as full resource names (for outputs before the deploy is done). */
export interface DeployNames {
	endpoint: string;
	model: string;
}

/**
 * A deploy's outcome as the node outputs it: its ids first, then the rest. A deploy not done yet has the same fields
 * as a finished one, null where only the finished operation tells.
 */
export function deployOutput(outcome: DeployOutcome, names: DeployNames): { ids: IDataObject; rest: IDataObject } {
	const { operation, result, existing, endpoint, undeployedModelIds } = outcome;
	if (existing) {
		const { deployedModel, endpoint: after } = existing;
		return {
			ids: deployIds(deployedModel.id ?? null, after.name, deployedModel.model ?? names.model, deployedModel.modelVersionId ?? null),
			rest: {
				trafficSplit: (after.trafficSplit ?? {}) as IDataObject,
				reused: true,
				undeployedModelIds: [],
				deploymentStage: null,
				...operationFields(undefined),
			},
		};
	}
	const deploymentStage = (operation && deploymentStageOf(operation)) ?? null;
	if (!result || !endpoint) {
		return {
			ids: deployIds(null, names.endpoint, names.model, null),
			rest: { trafficSplit: null, reused: false, undeployedModelIds: [], deploymentStage, ...operationFields(operation) },
		};
	}
	return {
		ids: deployIds(result.deployedModelId, endpoint.name, result.model || names.model, result.modelVersionId ?? null),
		rest: {
			trafficSplit: (endpoint.trafficSplit ?? {}) as IDataObject,
			reused: false,
			undeployedModelIds,
			deploymentStage,
			...operationFields(operation),
		},
	};
}

/**
 * The ids a deploy outputs first: the deployed model's, then the endpoint's and the model's (bare ids, then full names),
 * named as the Create and Upload nodes name them, so the nodes after it find them where they look.
 */
function deployIds(deployedModelId: string | null, endpoint: string, model: string, modelVersionId: string | null): IDataObject {
	return {
		deployedModelId,
		endpointId: resourceId(endpoint),
		modelId: resourceId(model),
		modelVersionId,
		endpoint,
		model: model.split('@')[0],
	};
}
