/** DeploymentResourcePool (deployment_resource_pool.proto): strict request shapes, tolerant answers. */
import { z } from 'zod/v4';

import { DEPLOYED_MODEL_ID, POOL_ID } from '../rules/ids';
import { quoteForMessage } from '../secrets';
import { additionalFieldsSchema, apiVersionSchema, blankAsUnset, serviceAccountEmailSchema } from './common';
import { dedicatedResourcesInputSchema } from './endpoint';

export const deploymentResourcePoolInputSchema = z.strictObject({
	dedicatedResources: dedicatedResourcesInputSchema,
	encryptionSpec: z.strictObject({ kmsKeyName: z.string().min(1, { error: 'kmsKeyName is required.' }) }).optional(),
	serviceAccount: blankAsUnset(serviceAccountEmailSchema),
	disableContainerLogging: z.boolean({ error: 'disableContainerLogging must be true or false.' }).optional(),
});

export const createDeploymentResourcePoolInputSchema = z.strictObject({
	deploymentResourcePoolId: z.string({ error: 'deploymentResourcePoolId is required.' }).regex(POOL_ID.pattern, {
		error: (issue) => `deploymentResourcePoolId ${quoteForMessage(issue.input)} is not valid: use ${POOL_ID.rule}.`,
	}),
	deploymentResourcePool: deploymentResourcePoolInputSchema,
	/** When the id is taken: fail (409), or use the existing pool. */
	ifExists: z.enum(['fail', 'use'], { error: 'ifExists must be "fail" or "use".' }).default('fail'),
	/** v1 (default) or v1beta1, whose pool fields (e.g. multihost GPU nodes, flex start) v1 lacks; never switched silently. */
	apiVersion: apiVersionSchema,
	/** Further fields of the pool (the DeploymentResourcePool message), checked against the proto of apiVersion; named fields win. */
	additionalFields: additionalFieldsSchema,
});

export type DeploymentResourcePoolInput = z.input<typeof deploymentResourcePoolInputSchema>;
export type CreateDeploymentResourcePoolInput = z.input<typeof createDeploymentResourcePoolInputSchema>;

/** A DeploymentResourcePool as Vertex returns it: known fields typed, everything else kept. */
export const deploymentResourcePoolSchema = z.looseObject({
	name: z.string(),
	dedicatedResources: z.looseObject({}).optional(),
	serviceAccount: z.string().optional(),
	disableContainerLogging: z.boolean().optional(),
	createTime: z.string().optional(),
});
export type DeploymentResourcePool = z.output<typeof deploymentResourcePoolSchema>;

export const listDeploymentResourcePoolsResponseSchema = z.looseObject({
	deploymentResourcePools: z.array(deploymentResourcePoolSchema).optional(),
	nextPageToken: z.string().optional(),
});

/** QueryDeployedModelsResponse: the deployed models using a pool (deployedModelRefs; deployedModels is deprecated). */
export const queryDeployedModelsResponseSchema = z.looseObject({
	deployedModelRefs: z
		.array(z.looseObject({ endpoint: z.string().optional(), deployedModelId: z.string().regex(DEPLOYED_MODEL_ID.pattern).optional() }))
		.optional(),
	nextPageToken: z.string().optional(),
	totalDeployedModelCount: z.number().optional(),
	totalEndpointCount: z.number().optional(),
});
export type DeployedModelRef = { endpoint?: string; deployedModelId?: string };
