/** Endpoint, DeployedModel, DedicatedResources, MachineSpec and traffic splits. */
import { z } from 'zod/v4';

import {
	DEPLOYED_MODEL_NUMBER,
	DEPLOYMENT_RESOURCE_POOL,
	GPU_PARTITION_SIZE,
	MACHINE_TYPE,
	MONITORING_METRIC_TYPE,
	NEW_TRAFFIC_SPLIT_KEY,
	PROJECT,
	RESERVATION_NAME,
	TPU_TOPOLOGY,
	VPC_NETWORK,
} from '../rules/ids';
import { fieldRef, messageParts, settingRef } from '../errors';
import { quoteForMessage } from '../secrets';
import { siblingsMessage, textMatching, withRule } from './validate';
import {
	ACCELERATOR_TYPES,
	additionalFieldsSchema,
	apiVersionSchema,
	encryptionSpecSchema,
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

/** Which Compute Engine reservations replicas may use (ReservationAffinity.Type, without its UNSPECIFIED). */
export const RESERVATION_AFFINITY_TYPES = ['NO_RESERVATION', 'ANY_RESERVATION', 'SPECIFIC_RESERVATION'] as const;
/** The label key (ReservationAffinity.key) a specific reservation is named by: Compute Engine's, and the default of Google's Python SDK. Not a secret. */
export const RESERVATION_NAME_LABEL = 'compute.googleapis.com/reservation-name';

export const reservationAffinitySchema = z
	.strictObject({
		reservationAffinityType: z.enum(RESERVATION_AFFINITY_TYPES, {
			error: (issue) =>
				`reservationAffinityType ${quoteForMessage(issue.input)} is not known: use one of ${RESERVATION_AFFINITY_TYPES.join(', ')}.`,
		}),
		key: blankAsUnset(z.string()),
		values: z
			.array(z.string().regex(RESERVATION_NAME.pattern, { error: (issue) => `values: ${quoteForMessage(issue.input)} is not ${RESERVATION_NAME.rule}.` }))
			.optional(),
	})
	.superRefine((affinity, ctx) => {
		const specific = affinity.reservationAffinityType === 'SPECIFIC_RESERVATION';
		if (specific && (affinity.key === undefined || !affinity.values?.length)) {
			ctx.addIssue({
				code: 'custom',
				path: [affinity.key === undefined ? 'key' : 'values'],
				...siblingsMessage(
					messageParts`${fieldRef('reservationAffinityType')} SPECIFIC_RESERVATION needs ${fieldRef('key')} (e.g. "${RESERVATION_NAME_LABEL}") and at least one reservation in ${fieldRef('values')}.`,
				),
			});
		}
		if (!specific && (affinity.key !== undefined || (affinity.values?.length ?? 0) > 0)) {
			ctx.addIssue({
				code: 'custom',
				path: ['values'],
				...siblingsMessage(
					messageParts`${fieldRef('key')} and ${fieldRef('values')} name a reservation: they go only with ${fieldRef('reservationAffinityType')} SPECIFIC_RESERVATION, not ${affinity.reservationAffinityType}.`,
				),
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
		gpuPartitionSize: blankAsUnset(
			z.string().regex(GPU_PARTITION_SIZE.pattern, {
				error: (issue) => `gpuPartitionSize ${quoteForMessage(issue.input)} is not a GPU partition size: use ${GPU_PARTITION_SIZE.rule}.`,
			}),
		),
		tpuTopology: blankAsUnset(
			z.string().regex(TPU_TOPOLOGY.pattern, {
				error: (issue) => `tpuTopology ${quoteForMessage(issue.input)} is not a TPU topology: use ${TPU_TOPOLOGY.rule}.`,
			}),
		),
		reservationAffinity: reservationAffinitySchema.optional(),
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

/** The autoscaling metrics Vertex AI documents for online prediction (any other name is passed as given). */
export const AUTOSCALING_METRICS = {
	cpuUtilization: 'aiplatform.googleapis.com/prediction/online/cpu/utilization',
	acceleratorDutyCycle: 'aiplatform.googleapis.com/prediction/online/accelerator/duty_cycle',
	requestCount: 'aiplatform.googleapis.com/prediction/online/request_count',
	vllmGpuCacheUsage: 'prometheus.googleapis.com/vertex_vllm_gpu_cache_usage_perc',
	vllmRequestsWaiting: 'prometheus.googleapis.com/vertex_vllm_num_requests_waiting',
	dcgmGpuUtilization: 'prometheus.googleapis.com/vertex_dcgm_fi_dev_gpu_util',
	pubsubBacklog: 'pubsub.googleapis.com/subscription/num_undelivered_messages',
} as const;
/** Metrics whose target is a percentage (1 to 100); the others count requests or messages per replica. */
const PERCENT_METRICS: readonly string[] = [
	AUTOSCALING_METRICS.cpuUtilization,
	AUTOSCALING_METRICS.acceleratorDutyCycle,
	AUTOSCALING_METRICS.vllmGpuCacheUsage,
	AUTOSCALING_METRICS.dcgmGpuUtilization,
];
/** The Pub/Sub backlog metric is read for one subscription, named by these monitored-resource labels. */
export const PUBSUB_SUBSCRIPTION_LABELS = ['project_id', 'subscription_id'] as const;

export const autoscalingMetricSpecSchema = z
	.strictObject({
		metricName: z
			.string()
			.trim()
			.regex(MONITORING_METRIC_TYPE.pattern, {
				error: (issue) => `metricName ${quoteForMessage(issue.input)} is not ${MONITORING_METRIC_TYPE.rule}.`,
			}),
		target: z.int({ error: 'target must be a whole number >= 1.' }).min(1, { error: 'target must be a whole number >= 1.' }).optional(),
		/** Preview (v1beta1). */
		monitoredResourceLabels: z.record(z.string().min(1), z.string().min(1)).optional(),
	})
	.superRefine((spec, ctx) => {
		if (spec.target !== undefined && spec.target > 100 && PERCENT_METRICS.includes(spec.metricName)) {
			ctx.addIssue({ code: 'custom', path: ['target'], message: `target must be a percentage between 1 and 100 for ${spec.metricName}; got ${spec.target}.` });
		}
		if (spec.metricName === AUTOSCALING_METRICS.pubsubBacklog && !spec.monitoredResourceLabels?.subscription_id) {
			ctx.addIssue({
				code: 'custom',
				path: ['monitoredResourceLabels'],
				message: `monitoredResourceLabels must name the subscription (${PUBSUB_SUBSCRIPTION_LABELS.join(', ')}) for the Pub/Sub backlog metric.`,
			});
		}
	});

/** The range Vertex takes for a scale-to-zero deployment's idle and minimum scaled-up periods, in seconds. */
export const SCALE_TO_ZERO_PERIOD_SECONDS = { min: 300, max: 28_800 } as const;

/** Scale to zero (preview): both periods between 5 minutes and 8 hours. */
export const scaleToZeroSpecSchema = z.strictObject({
	minScaleupPeriod: durationSchema('minScaleupPeriod', SCALE_TO_ZERO_PERIOD_SECONDS.min, SCALE_TO_ZERO_PERIOD_SECONDS.max).optional(),
	idleScaledownPeriod: durationSchema('idleScaledownPeriod', SCALE_TO_ZERO_PERIOD_SECONDS.min, SCALE_TO_ZERO_PERIOD_SECONDS.max).optional(),
});

export const dedicatedResourcesInputSchema = z
	.strictObject({
		machineSpec: machineSpecInputSchema,
		// 0 is scale to zero, a preview feature: allowed here, refused in v1 by the deploy's check.
		minReplicaCount: z
			.int({ error: 'minReplicaCount must be a whole number >= 1 (0 for scale to zero).' })
			.min(0, { error: 'minReplicaCount must be a whole number >= 1 (0 for scale to zero).' })
			.default(1),
		maxReplicaCount: replicaCount('maxReplicaCount').optional(),
		requiredReplicaCount: replicaCount('requiredReplicaCount').optional(),
		/** Preview (v1beta1): replicas started first when minReplicaCount is 0. */
		initialReplicaCount: replicaCount('initialReplicaCount').optional(),
		autoscalingMetricSpecs: z.array(autoscalingMetricSpecSchema).optional(),
		spot: z.boolean().optional(),
		/** Preview (v1beta1). */
		scaleToZeroSpec: scaleToZeroSpecSchema.optional(),
	})
	.superRefine((resources, ctx) => {
		const upper = resources.maxReplicaCount ?? resources.minReplicaCount;
		if (resources.minReplicaCount === 0 && resources.maxReplicaCount === undefined) {
			ctx.addIssue({
				code: 'custom',
				path: ['maxReplicaCount'],
				...siblingsMessage(messageParts`${fieldRef('maxReplicaCount')} is required (>= 1) when ${fieldRef('minReplicaCount')} is 0 (scale to zero).`),
			});
		}
		if (resources.scaleToZeroSpec !== undefined && resources.minReplicaCount !== 0) {
			ctx.addIssue({
				code: 'custom',
				path: ['scaleToZeroSpec'],
				...siblingsMessage(messageParts`${fieldRef('scaleToZeroSpec')} only applies with ${fieldRef('minReplicaCount')} 0; it is ${resources.minReplicaCount}.`),
			});
		}
		if (resources.initialReplicaCount !== undefined && (resources.minReplicaCount !== 0 || resources.initialReplicaCount > upper)) {
			ctx.addIssue({
				code: 'custom',
				path: ['initialReplicaCount'],
				...siblingsMessage(
					messageParts`${fieldRef('initialReplicaCount')} is only for ${fieldRef('minReplicaCount')} 0 (scale to zero), and at most ${fieldRef('maxReplicaCount')}.`,
				),
			});
		}
		if (resources.requiredReplicaCount !== undefined && resources.requiredReplicaCount > upper) {
			ctx.addIssue({
				code: 'custom',
				path: ['requiredReplicaCount'],
				...siblingsMessage(
					messageParts`${fieldRef('requiredReplicaCount')} (${resources.requiredReplicaCount}) cannot be more than the replicas that may run (${fieldRef('maxReplicaCount')}, ${upper}).`,
				),
			});
		}
		const names = (resources.autoscalingMetricSpecs ?? []).map((spec) => spec.metricName);
		const repeated = names.find((name, index) => names.indexOf(name) !== index);
		if (repeated !== undefined) {
			ctx.addIssue({ code: 'custom', path: ['autoscalingMetricSpecs'], message: `autoscalingMetricSpecs has ${repeated} more than once: at most one target per metric.` });
		}
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
	encryptionSpec: encryptionSpecSchema.optional(),
	network: optionalText,
	privateServiceConnectConfig: privateServiceConnectConfigInputSchema.optional(),
	predictRequestResponseLoggingConfig: z.looseObject({}).optional(),
});

export const createEndpointInputSchema = z
	.strictObject({
		endpointId: blankAsUnset(callerIdSchema('endpointId')),
		endpoint: endpointInputSchema,
		apiVersion: apiVersionSchema,
		additionalFields: additionalFieldsSchema,
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
/** Rollout options (preview): at most one way to bound each of unavailable and surge replicas. */
const rolloutCount = (name: string) => z.int({ error: `${name} must be a whole number >= 0.` }).min(0, { error: `${name} must be a whole number >= 0.` });
const rolloutPercent = (name: string) =>
	z
		.int({ error: `${name} must be a whole number between 0 and 100.` })
		.min(0, { error: `${name} must be a whole number between 0 and 100.` })
		.max(100, { error: `${name} must be a whole number between 0 and 100.` });
export const rolloutOptionsSchema = z
	.strictObject({
		maxUnavailableReplicas: rolloutCount('maxUnavailableReplicas').optional(),
		maxUnavailablePercentage: rolloutPercent('maxUnavailablePercentage').optional(),
		maxSurgeReplicas: rolloutCount('maxSurgeReplicas').optional(),
		maxSurgePercentage: rolloutPercent('maxSurgePercentage').optional(),
		previousDeployedModel: blankAsUnset(
			z.string().regex(DEPLOYED_MODEL_NUMBER.pattern, { error: `previousDeployedModel must be ${DEPLOYED_MODEL_NUMBER.rule}.` }),
		),
	})
	.superRefine((options, ctx) => {
		for (const [count, percent] of [
			['maxUnavailableReplicas', 'maxUnavailablePercentage'],
			['maxSurgeReplicas', 'maxSurgePercentage'],
		] as const) {
			if (options[count] !== undefined && options[percent] !== undefined) {
				ctx.addIssue({ code: 'custom', path: [percent], ...siblingsMessage(messageParts`Give ${fieldRef(count)} or ${fieldRef(percent)}, not both.`) });
			}
		}
	});

export const deployedModelInputSchema = z.strictObject({
	displayName: optionalText,
	/** Dedicated machines, or `sharedResources` (a deployment resource pool): exactly one. */
	dedicatedResources: dedicatedResourcesInputSchema.optional(),
	/** A deployment resource pool's id or full name (the resources layer expands an id). */
	sharedResources: blankAsUnset(
		z
			.string()
			.trim()
			.regex(DEPLOYMENT_RESOURCE_POOL.pattern, {
				error: (issue) => `sharedResources ${quoteForMessage(issue.input)} is not ${DEPLOYMENT_RESOURCE_POOL.rule}.`,
			}),
	),
	/** Preview (v1beta1). */
	rolloutOptions: rolloutOptionsSchema.optional(),
	serviceAccount: blankAsUnset(serviceAccountEmailSchema),
	disableContainerLogging: z.boolean().optional(),
	enableAccessLogging: z.boolean().optional(),
	fasterDeploymentConfig: z.strictObject({ fastTryoutEnabled: z.boolean().optional() }).optional(),
	systemLabels: z.record(z.string(), z.string()).optional(),
	checkpointId: optionalText,
});

type DeployedModelParsed = z.output<typeof deployedModelInputSchema>;
type RefineContext = z.RefinementCtx;

/**
 * Exactly one of dedicated machines and a deployment resource pool; or, with rollout options, neither: the rollout
 * takes the resources of the deployed model it replaces, named in previousDeployedModel. That is how Google's client
 * sends them (python-aiplatform, google/cloud/aiplatform/preview/models.py, Endpoint._deploy_call:
 * `if use_dedicated_resources and not rollout_options: ... elif rollout_options: deployed_model.rollout_options = ...`,
 * and RolloutOptions.to_gapic always sets previous_deployed_model).
 */
function checkResourcesChoice(deployed: DeployedModelParsed, ctx: RefineContext): void {
	const dedicated = deployed.dedicatedResources !== undefined;
	const shared = deployed.sharedResources !== undefined;
	if (deployed.rolloutOptions !== undefined) {
		if (dedicated || shared) {
			ctx.addIssue({
				code: 'custom',
				path: ['deployedModel', 'rolloutOptions'],
				...siblingsMessage(
					messageParts`${fieldRef('rolloutOptions')} go instead of ${fieldRef(dedicated ? 'dedicatedResources' : 'sharedResources')}: the rollout takes the resources of ${fieldRef('previousDeployedModel')}, as Google's client sends it. Give one of them.`,
				),
			});
		}
		if (deployed.rolloutOptions.previousDeployedModel === undefined) {
			ctx.addIssue({
				code: 'custom',
				path: ['deployedModel', 'rolloutOptions', 'previousDeployedModel'],
				...siblingsMessage(
					messageParts`${fieldRef('previousDeployedModel')} is required with ${fieldRef('rolloutOptions')}: the ID of the deployed model this one replaces (its resources are used).`,
				),
			});
		}
		return;
	}
	if (dedicated !== shared) return;
	ctx.addIssue({
		code: 'custom',
		path: ['deployedModel', shared ? 'sharedResources' : 'dedicatedResources'],
		...siblingsMessage(
			shared
				? messageParts`${fieldRef('sharedResources')} (a deployment resource pool) cannot be given with ${fieldRef('dedicatedResources')} (machine type, accelerators, replicas): the pool sets the machines. Give one of them.`
				: messageParts`${fieldRef('dedicatedResources')} is required: the machines to deploy on (or a deployment resource pool in ${fieldRef('sharedResources')}).`,
		),
	});
}

/** The preview (v1beta1) fields among the deploy's: each one set in v1 is refused, naming the API version choice. */
function checkNoPreviewFields(deployed: DeployedModelParsed, ctx: RefineContext): void {
	const resources = deployed.dedicatedResources;
	const preview: Array<[Array<string | number>, string, boolean]> = [
		[['dedicatedResources', 'minReplicaCount'], ' 0 (scale to zero)', resources?.minReplicaCount === 0],
		[['dedicatedResources', 'scaleToZeroSpec'], '', resources?.scaleToZeroSpec !== undefined],
		[['dedicatedResources', 'initialReplicaCount'], '', resources?.initialReplicaCount !== undefined],
		[['rolloutOptions'], '', deployed.rolloutOptions !== undefined],
		...(resources?.autoscalingMetricSpecs ?? []).map((spec, index): [Array<string | number>, string, boolean] => [
			['dedicatedResources', 'autoscalingMetricSpecs', index, 'monitoredResourceLabels'],
			'',
			spec.monitoredResourceLabels !== undefined,
		]),
	];
	for (const [path, what, set] of preview) {
		if (set) ctx.addIssue(previewFieldIssue(['deployedModel', ...path], what));
	}
}

/** The refusal of a preview (v1beta1) field given in v1 (its last path segment named), suggesting the API version. */
export function previewFieldIssue(path: Array<string | number>, what = '') {
	return {
		code: 'custom' as const,
		path,
		...siblingsMessage([fieldRef(String(path.at(-1))), `${what} is a preview feature of Vertex AI's v1beta1 API: choose that API explicitly `, settingRef('apiVersion', 'v1beta1'), '.']),
	};
}

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
		/** v1 (default) or v1beta1, the preview API that scale to zero and rollout options need; never switched silently. */
		apiVersion: apiVersionSchema,
		additionalFields: additionalFieldsSchema,
	})
	.superRefine((input, ctx) => {
		// The API version first: a preview field in v1 is refused as that, not for what it goes with. A part with issues
		// is left out of `input`: "missing" would then be a second, wrong, complaint.
		if (input.apiVersion !== 'v1beta1') checkNoPreviewFields(input.deployedModel, ctx);
		if (ctx.issues.length === 0) checkResourcesChoice(input.deployedModel, ctx);
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
export type DeployModelParsed = z.output<typeof deployModelInputSchema>;
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
