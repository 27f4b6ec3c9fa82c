/** Endpoint, DeployedModel, DedicatedResources, MachineSpec and traffic splits. */
import { z } from 'zod/v4';

import { DEPLOYED_MODEL_NUMBER, MACHINE_TYPE, NEW_TRAFFIC_SPLIT_KEY, PROJECT, VPC_NETWORK } from '../rules/ids';
import { fieldRef, messageParts } from '../errors';
import { quoteForMessage } from '../secrets';
import { siblingsMessage, textMatching, withRule } from './validate';
import {
	ACCELERATOR_TYPES,
	type AcceleratorType,
	blankAsUnset,
	callerIdSchema,
	displayNameSchema,
	durationSchema,
	labelsSchema,
	optionalText,
	serviceAccountEmailSchema,
} from './common';

/** Key of the model being deployed in a deploy request's traffic split. */
export const NEW_MODEL_TRAFFIC_KEY = '0';

const percentSchema = z
	.int({ error: 'Traffic shares must be whole numbers between 0 and 100.' })
	.min(0, { error: 'Traffic shares must be whole numbers between 0 and 100.' })
	.max(100, { error: 'Traffic shares must be whole numbers between 0 and 100.' });

/** A traffic split whose values are whole percentages adding up to 100 (keys: deployed model ids). */
export const trafficSplitSchema = z.record(z.string(), percentSchema).superRefine((split, ctx) => {
	for (const key of Object.keys(split)) {
		if (!NEW_TRAFFIC_SPLIT_KEY.pattern.test(key)) {
			ctx.addIssue({
				code: 'custom',
				path: [key],
				message: `Traffic split key ${quoteForMessage(key)} is not a deployed model id (digits; "0" means the model being deployed).`,
				...withRule(NEW_TRAFFIC_SPLIT_KEY.rule),
			});
		}
	}
	const total = Object.values(split).reduce((sum, share) => sum + share, 0);
	if (total !== 100) {
		ctx.addIssue({
			code: 'custom',
			message: `trafficSplit must add up to 100; its values add up to ${total}.`,
			...withRule('whole percentages adding up to 100'),
		});
	}
});

export const machineSpecInputSchema = z
	.strictObject({
		machineType: z
			.string()
			.trim()
			.pipe(textMatching(MACHINE_TYPE, () => `machineType must be ${MACHINE_TYPE.rule}.`)),
		// Typed as string on input (forms hold strings); the enum is enforced at run time with a clear message.
		acceleratorType: blankAsUnset(
			z.enum(ACCELERATOR_TYPES, {
				error: (issue) => `acceleratorType ${quoteForMessage(issue.input)} is not known: use one of ${ACCELERATOR_TYPES.join(', ')}.`,
			}) as unknown as z.ZodType<AcceleratorType, string>,
		),
		acceleratorCount: z.int({ error: 'acceleratorCount must be a whole number >= 1.' }).optional(),
		gpuPartitionSize: optionalText,
		tpuTopology: optionalText,
		reservationAffinity: z.looseObject({}).optional(),
	})
	.superRefine((spec, ctx) => {
		if (spec.acceleratorType !== undefined && (spec.acceleratorCount === undefined || spec.acceleratorCount < 1)) {
			ctx.addIssue({
				code: 'custom',
				path: ['acceleratorCount'],
				...siblingsMessage(
					messageParts`${fieldRef('acceleratorCount')} must be a whole number >= 1 when ${fieldRef('acceleratorType')} is set (${spec.acceleratorType}).`,
				),
			});
		}
		if (spec.acceleratorType === undefined && spec.acceleratorCount !== undefined && spec.acceleratorCount !== 0) {
			ctx.addIssue({
				code: 'custom',
				path: ['acceleratorType'],
				...siblingsMessage(messageParts`${fieldRef('acceleratorType')} is required when ${fieldRef('acceleratorCount')} is set.`),
			});
		}
	});

const replicaCount = (name: string) => z.int({ error: `${name} must be a whole number >= 1.` }).min(1, { error: `${name} must be >= 1.` });

export const dedicatedResourcesInputSchema = z
	.strictObject({
		machineSpec: machineSpecInputSchema,
		minReplicaCount: replicaCount('minReplicaCount').default(1),
		maxReplicaCount: replicaCount('maxReplicaCount').optional(),
		requiredReplicaCount: z.int().min(0).optional(),
		autoscalingMetricSpecs: z
			.array(z.strictObject({ metricName: z.string().min(1), target: z.int().min(1).optional() }))
			.optional(),
		spot: z.boolean().optional(),
	})
	.superRefine((resources, ctx) => {
		if (resources.maxReplicaCount !== undefined && resources.maxReplicaCount < resources.minReplicaCount) {
			ctx.addIssue({
				code: 'custom',
				path: ['maxReplicaCount'],
				...siblingsMessage(
					messageParts`${fieldRef('maxReplicaCount')} (${resources.maxReplicaCount}) must be >= ${fieldRef('minReplicaCount')} (${resources.minReplicaCount}).`,
				),
			});
		}
	});

const projectInList = (list: string) =>
	z.string().trim().regex(PROJECT.pattern, {
		error: (issue) => `${list}: ${quoteForMessage(issue.input)} is not ${PROJECT.rule}.`,
	});

/** Where Vertex creates a PSC endpoint (forwarding rule) by itself: a project and a VPC network of it. */
export const pscAutomationConfigInputSchema = z.strictObject({
	projectId: projectInList('pscAutomationConfigs.projectId'),
	network: z.string().trim().regex(VPC_NETWORK.pattern, {
		error: (issue) => `pscAutomationConfigs.network ${quoteForMessage(issue.input)} is not ${VPC_NETWORK.rule}.`,
	}),
});

/**
 * A Private Service Connect endpoint: reachable through a service attachment from the allowed projects (forwarding
 * rules made by hand, or by Vertex for each automation config) instead of the public internet.
 */
export const privateServiceConnectConfigInputSchema = z
	.strictObject({
		enablePrivateServiceConnect: z.boolean({ error: 'enablePrivateServiceConnect must be true or false.' }),
		projectAllowlist: z.array(projectInList('projectAllowlist')).optional(),
		pscAutomationConfigs: z.array(pscAutomationConfigInputSchema).optional(),
	})
	.superRefine((config, ctx) => {
		const set = (config.projectAllowlist?.length ?? 0) > 0 || (config.pscAutomationConfigs?.length ?? 0) > 0;
		if (!config.enablePrivateServiceConnect && set) {
			ctx.addIssue({
				code: 'custom',
				path: ['enablePrivateServiceConnect'],
				message: 'projectAllowlist and pscAutomationConfigs only apply with enablePrivateServiceConnect: true.',
			});
		}
		const seen = new Set<string>();
		const allowlist = config.projectAllowlist ?? [];
		for (const [index, automation] of (config.pscAutomationConfigs ?? []).entries()) {
			// Vertex creates the forwarding rule in that project: it must be allowed to connect.
			if (allowlist.length > 0 && !allowlist.includes(automation.projectId)) {
				ctx.addIssue({
					code: 'custom',
					path: ['projectAllowlist'],
					...siblingsMessage(
						messageParts`${fieldRef('pscAutomationConfigs')} ${index + 1} is in project ${quoteForMessage(automation.projectId)}, which is not in ${fieldRef('projectAllowlist')} (${allowlist.join(', ')}): add it there.`,
					),
				});
			}
			const key = `${automation.projectId} ${automation.network}`;
			if (seen.has(key)) {
				ctx.addIssue({
					code: 'custom',
					path: ['pscAutomationConfigs', index],
					message: `pscAutomationConfigs lists project ${automation.projectId} with network ${automation.network} twice.`,
				});
			}
			seen.add(key);
		}
	});

export const endpointInputSchema = z.strictObject({
	displayName: displayNameSchema,
	description: optionalText,
	labels: labelsSchema.optional(),
	/**
	 * Invoke needs a dedicated endpoint, so this is the default. A Private Service Connect endpoint is reached through
	 * its private address; whether it also gets a public dedicated DNS name is the caller's explicit choice.
	 */
	dedicatedEndpointEnabled: z.boolean().default(true),
	clientConnectionConfig: z
		.strictObject({ inferenceTimeout: durationSchema('inferenceTimeout', 1, 3600).optional() })
		.optional(),
	encryptionSpec: z.strictObject({ kmsKeyName: z.string().min(1) }).optional(),
	network: optionalText,
	privateServiceConnectConfig: privateServiceConnectConfigInputSchema.optional(),
	predictRequestResponseLoggingConfig: z.looseObject({}).optional(),
});

export const createEndpointInputSchema = z
	.strictObject({
		endpointId: blankAsUnset(callerIdSchema('endpointId')),
		endpoint: endpointInputSchema,
		ifExists: z.enum(['fail', 'use'], { error: 'ifExists must be "fail" or "use".' }).default('fail'),
	})
	.superRefine(({ endpoint }, ctx) => {
		if (endpoint.network && endpoint.privateServiceConnectConfig?.enablePrivateServiceConnect) {
			ctx.addIssue({
				code: 'custom',
				path: ['endpoint', 'network'],
				...siblingsMessage(
					messageParts`An endpoint uses either VPC peering (${fieldRef('network')}) or Private Service Connect (${fieldRef('privateServiceConnectConfig')}), not both.`,
				),
			});
		}
	});

/** The DeployedModel part of a deploy request; `model` is given beside it (an id or name, optionally @version). */
export const deployedModelInputSchema = z.strictObject({
	displayName: optionalText,
	dedicatedResources: dedicatedResourcesInputSchema,
	serviceAccount: blankAsUnset(serviceAccountEmailSchema),
	disableContainerLogging: z.boolean().optional(),
	enableAccessLogging: z.boolean().optional(),
	fasterDeploymentConfig: z.strictObject({ fastTryoutEnabled: z.boolean().optional() }).optional(),
	systemLabels: z.record(z.string(), z.string()).optional(),
	checkpointId: optionalText,
});

export const deployModelInputSchema = z
	.strictObject({
		endpoint: z.string().min(1, { error: 'endpoint is required.' }),
		model: z.string().min(1, { error: 'model is required.' }),
		deployedModel: deployedModelInputSchema,
		trafficPercentage: z
			.int({ error: 'trafficPercentage must be a whole number between 0 and 100.' })
			.min(0, { error: 'trafficPercentage must be a whole number between 0 and 100.' })
			.max(100, { error: 'trafficPercentage must be a whole number between 0 and 100.' })
			.optional(),
		trafficSplit: trafficSplitSchema.optional(),
	})
	.superRefine((input, ctx) => {
		if (input.trafficSplit === undefined) return;
		if (input.trafficPercentage !== undefined) {
			ctx.addIssue({
				code: 'custom',
				path: ['trafficSplit'],
				...siblingsMessage(messageParts`Give either ${fieldRef('trafficPercentage')} or ${fieldRef('trafficSplit')}, not both.`),
			});
		}
		if (!(NEW_MODEL_TRAFFIC_KEY in input.trafficSplit)) {
			ctx.addIssue({
				code: 'custom',
				path: ['trafficSplit'],
				message: `trafficSplit must contain "${NEW_MODEL_TRAFFIC_KEY}", the share of the model being deployed (0 is allowed).`,
			});
		}
	});

export const undeployModelInputSchema = z.strictObject({
	endpoint: z.string().min(1, { error: 'endpoint is required.' }),
	deployedModelId: textMatching(
		DEPLOYED_MODEL_NUMBER,
		(value) => `deployedModelId ${quoteForMessage(value)} is not valid: it is the number Vertex gave the deployed model.`,
	),
	trafficSplit: trafficSplitSchema.optional(),
});

/** A whole new split for an endpoint's deployed models ("0" has no meaning here). */
export const updateTrafficSplitInputSchema = z.strictObject({
	endpoint: z.string().min(1, { error: 'endpoint is required.' }),
	trafficSplit: trafficSplitSchema.refine((split) => !(NEW_MODEL_TRAFFIC_KEY in split), {
		error: `trafficSplit key "${NEW_MODEL_TRAFFIC_KEY}" only means something in a deploy: use the deployed model ids.`,
	}),
});

export type UpdateTrafficSplitInput = z.input<typeof updateTrafficSplitInputSchema>;
export type MachineSpecInput = z.input<typeof machineSpecInputSchema>;
export type DedicatedResourcesInput = z.input<typeof dedicatedResourcesInputSchema>;
export type EndpointInput = z.input<typeof endpointInputSchema>;
export type PrivateServiceConnectConfigInput = z.input<typeof privateServiceConnectConfigInputSchema>;
export type CreateEndpointInput = z.input<typeof createEndpointInputSchema>;
export type DeployedModelInput = z.input<typeof deployedModelInputSchema>;
export type DeployModelInput = z.input<typeof deployModelInputSchema>;
export type UndeployModelInput = z.input<typeof undeployModelInputSchema>;

export const deployedModelSchema = z.looseObject({
	id: z.string().optional(),
	model: z.string().optional(),
	modelVersionId: z.string().optional(),
	displayName: z.string().optional(),
	createTime: z.string().optional(),
	dedicatedResources: z.looseObject({}).optional(),
});
export type DeployedModel = z.output<typeof deployedModelSchema>;

/** An Endpoint as Vertex returns it: known fields typed, everything else kept. */
export const endpointSchema = z.looseObject({
	name: z.string(),
	displayName: z.string().optional(),
	description: z.string().optional(),
	deployedModels: z.array(deployedModelSchema).optional(),
	trafficSplit: z.record(z.string(), z.number()).optional(),
	labels: z.record(z.string(), z.string()).optional(),
	etag: z.string().optional(),
	createTime: z.string().optional(),
	updateTime: z.string().optional(),
	dedicatedEndpointEnabled: z.boolean().optional(),
	dedicatedEndpointDns: z.string().optional(),
	clientConnectionConfig: z.looseObject({ inferenceTimeout: z.string().optional() }).optional(),
	privateServiceConnectConfig: z
		.looseObject({
			enablePrivateServiceConnect: z.boolean().optional(),
			projectAllowlist: z.array(z.string()).optional(),
			/** Each with, once Vertex made it, its forwarding rule's ipAddress, forwardingRule, state and errorMessage. */
			pscAutomationConfigs: z.array(z.looseObject({})).optional(),
			serviceAttachment: z.string().optional(),
		})
		.optional(),
});
export type Endpoint = z.output<typeof endpointSchema>;

/** Whether Vertex serves this endpoint through Private Service Connect. */
export function isPrivateServiceConnect(endpoint: Endpoint): boolean {
	return endpoint.privateServiceConnectConfig?.enablePrivateServiceConnect === true;
}

export const listEndpointsResponseSchema = z.looseObject({
	endpoints: z.array(endpointSchema).optional(),
	nextPageToken: z.string().optional(),
});
