/**
 * What each kind of long-running operation yields once done: its `response`, checked with zod and
 * reduced to the fields a caller acts on (as google-gax types an LRO by its response message).
 */
import { z } from 'zod/v4';

import { VertexOperationError } from './errors';
import { deploymentResourcePoolSchema, type DeploymentResourcePool } from './schemas/deploymentResourcePool';
import { deployedModelSchema, endpointSchema, type DeployedModel, type Endpoint } from './schemas/endpoint';
import type { Operation } from './schemas/operation';
import { parseResponse } from './schemas/validate';

export interface OperationType<Result> {
	/** For messages, e.g. "deploy". */
	readonly label: string;
	/** The result of a done, successful operation. */
	resultOf(operation: Operation): Result;
}

/** The last segment of a resource name, without a `@version`. */
function lastSegment(name: string): string {
	return (name.split('/').pop() ?? name).split('@')[0];
}

/** `projects/p/locations/l/endpoints/e` from `projects/p/locations/l/endpoints/e/operations/123`. */
function ownerOf(operationName: string): string {
	return operationName.replace(/\/operations\/[^/]+$/, '');
}

function responseOf<S extends z.ZodType>(operation: Operation, schema: S, label: string): z.output<S> {
	if (operation.done !== true) {
		throw new VertexOperationError(`The ${label} operation is not done yet.`, operation.name, 'timeout', undefined, `operation ${operation.name}`);
	}
	return parseResponse(schema, operation.response ?? {}, `${label} operation response`);
}

export interface UploadModelResult {
	/** `projects/{number}/locations/{l}/models/{id}`, without a version. */
	model: string;
	modelId: string;
	modelVersionId: string | undefined;
}

const uploadModelResponseSchema = z.looseObject({ model: z.string(), modelVersionId: z.string().optional() });

export const UPLOAD_MODEL: OperationType<UploadModelResult> = {
	label: 'upload',
	resultOf(operation) {
		const response = responseOf(operation, uploadModelResponseSchema, 'upload');
		const model = response.model.split('@')[0];
		return { model, modelId: lastSegment(model), modelVersionId: response.modelVersionId };
	},
};

export interface DeployModelResult {
	endpoint: string;
	endpointId: string;
	deployedModelId: string;
	/** The model's resource name, without a version. */
	model: string;
	modelId: string;
	modelVersionId: string | undefined;
	displayName: string | undefined;
}

const deployModelResponseSchema = z.looseObject({
	deployedModel: deployedModelSchema.extend({ id: z.string().min(1) }),
});

export const DEPLOY_MODEL: OperationType<DeployModelResult> = {
	label: 'deploy',
	resultOf(operation) {
		const { deployedModel } = responseOf(operation, deployModelResponseSchema, 'deploy');
		const endpoint = ownerOf(operation.name);
		const model = (deployedModel.model ?? '').split('@')[0];
		return {
			endpoint,
			endpointId: lastSegment(endpoint),
			deployedModelId: deployedModel.id,
			model,
			modelId: lastSegment(model),
			modelVersionId: deployedModel.modelVersionId,
			displayName: deployedModel.displayName,
		};
	},
};

export const CREATE_ENDPOINT: OperationType<Endpoint> = {
	label: 'create endpoint',
	resultOf: (operation) => responseOf(operation, endpointSchema, 'create endpoint'),
};

/** Operations whose response is empty (undeploy, deletes): done is all there is to know. */
export const NO_RESULT: OperationType<Record<string, never>> = {
	label: 'operation',
	resultOf(operation) {
		responseOf(operation, z.looseObject({}), 'operation');
		return {};
	},
};

/** The deployed model a MutateDeployedModel changed (MutateDeployedModelResponse.deployedModel). */
export const MUTATE_DEPLOYED_MODEL: OperationType<DeployedModel> = {
	label: 'mutate deployed model',
	resultOf: (operation) => responseOf(operation, z.looseObject({ deployedModel: deployedModelSchema }), 'mutate deployed model').deployedModel,
};

/** The pool a CreateDeploymentResourcePool made. */
export const CREATE_DEPLOYMENT_RESOURCE_POOL: OperationType<DeploymentResourcePool> = {
	label: 'create deployment resource pool',
	resultOf: (operation) => responseOf(operation, deploymentResourcePoolSchema, 'create deployment resource pool'),
};
