/**
 * Resources as the nodes of every workflow engine output them: each with its bare id beside its resource name, an
 * endpoint after a change as its split and deployed models, an operation in the shape a flow's condition reads.
 */
import { resourceId } from './names';
import { deployedModelIds } from './resources/endpoints';
import type { DeploymentResourcePool } from './schemas/deploymentResourcePool';
import type { Endpoint } from './schemas/endpoint';
import type { Model } from './schemas/model';
import { deploymentStageOf, type Operation } from './schemas/operation';

/** An endpoint as Vertex returns it, with its bare id beside its name. */
export function endpointOutput(endpoint: Endpoint): Record<string, unknown> {
	const { name, ...rest } = endpoint;
	return { name, endpointId: resourceId(name), ...rest };
}

/** What an endpoint looks like after a change: name, id, split and the deployed model ids. */
export function endpointSummary(endpoint: Endpoint): { endpoint: string; endpointId: string; trafficSplit: Record<string, number>; deployedModelIds: string[] } {
	return {
		endpoint: endpoint.name,
		endpointId: resourceId(endpoint.name),
		trafficSplit: endpoint.trafficSplit ?? {},
		deployedModelIds: deployedModelIds(endpoint),
	};
}

/** A model (or one version of it) as Vertex returns it, with its bare id beside its name. */
export function modelOutput(model: Model): Record<string, unknown> {
	const { name, ...rest } = model;
	return { name, modelId: resourceId(name), ...rest };
}

/** A deployment resource pool as Vertex returns it, with its bare id beside its name. */
export function poolOutput(pool: DeploymentResourcePool): Record<string, unknown> {
	const { name, ...rest } = pool;
	return { name, deploymentResourcePoolId: resourceId(name), ...rest };
}

/**
 * An operation in the shape a condition in a wait loop reads: done and failed always booleans, the deploy stage,
 * and the error's message and code, null when there is none.
 */
export function operationOutput(operation: Operation) {
	return {
		operationName: operation.name,
		done: operation.done === true,
		failed: operation.error !== undefined,
		stage: deploymentStageOf(operation) ?? null,
		errorMessage: operation.error ? (operation.error.message ?? null) : null,
		errorCode: operation.error?.code ?? null,
		metadata: operation.metadata ?? null,
		response: operation.response ?? null,
	};
}

/** The fields every output of an operation-backed change carries: the operation's name and whether it is done. */
export function operationFields(operation: Operation | undefined): { operationName: string | null; done: boolean } {
	return { operationName: operation?.name ?? null, done: operation ? operation.done === true : true };
}
