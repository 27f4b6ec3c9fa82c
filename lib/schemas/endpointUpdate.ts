/**
 * Live changes to an endpoint and to one of its deployed models: UpdateEndpoint (PATCH with an update mask) and
 * MutateDeployedModel. Field names and the mutable fields are those of google/cloud/aiplatform/v1 endpoint.proto and
 * endpoint_service.proto. Each input names only what changes; the update mask is made of exactly those fields.
 */
import { z } from 'zod/v4';

import { DEPLOYED_MODEL_NUMBER, PROJECT_ID } from '../rules/ids';
import { fieldRef, messageParts } from '../errors';
import { quoteForMessage } from '../secrets';
import { siblingsMessage } from './validate';
import { apiVersionSchema, displayNameSchema, durationSchema, labelsSchema } from './common';
import { dedicatedResourcesInputSchema, previewFieldIssue } from './endpoint';

/** BigQueryDestination.output_uri: `bq://project`, `bq://project.dataset` or `bq://project.dataset.table`, up to 2000. */
const BIGQUERY_URI = new RegExp(`^bq://${PROJECT_ID.source}(?:\\.[A-Za-z0-9_]{1,1024}(?:\\.[^\\s./]{1,1024})?)?$`);
const BIGQUERY_URI_RULE = 'bq://project, bq://project.dataset or bq://project.dataset.table (up to 2000 characters)';

const bigqueryUriSchema = z
	.string({ error: `outputUri must be ${BIGQUERY_URI_RULE}.` })
	.trim()
	.refine((uri) => uri.length <= 2000 && BIGQUERY_URI.test(uri), {
		error: (issue) => `outputUri must be ${BIGQUERY_URI_RULE}; got ${quoteForMessage(issue.input)}.`,
	});

/**
 * PredictRequestResponseLoggingConfig. Its sampling rate is a fraction in (0, 1] as the proto states it: 0 would log
 * nothing, which is what `enabled: false` says. Logging on needs a rate and a BigQuery destination.
 */
export const requestResponseLoggingInputSchema = z
	.strictObject({
		enabled: z.boolean({ error: 'enabled must be true or false.' }),
		samplingRate: z
			.number({ error: 'samplingRate must be a number above 0 and at most 1 (the fraction of requests logged).' })
			.gt(0, { error: 'samplingRate must be above 0 and at most 1 (the fraction of requests logged); to log nothing, turn logging off.' })
			.max(1, { error: 'samplingRate must be above 0 and at most 1 (the fraction of requests logged, 1 = every request).' })
			.optional(),
		bigqueryDestination: z.strictObject({ outputUri: bigqueryUriSchema }).optional(),
	})
	.superRefine((config, ctx) => {
		if (!config.enabled) return;
		for (const field of ['samplingRate', 'bigqueryDestination'] as const) {
			if (config[field] !== undefined) continue;
			ctx.addIssue({
				code: 'custom',
				path: [field],
				...siblingsMessage(messageParts`${fieldRef(field)} is required when ${fieldRef('enabled')} is true.`),
			});
		}
	});

/** What UpdateEndpoint may change here; `description: ""` and `labels: {}` clear them. */
export const updateEndpointInputSchema = z
	.strictObject({
		endpoint: z.string().min(1, { error: 'endpoint is required.' }),
		displayName: displayNameSchema.optional(),
		description: z.string({ error: 'description must be text.' }).max(8192, { error: 'description can be at most 8192 characters.' }).optional(),
		labels: labelsSchema.optional(),
		inferenceTimeout: durationSchema('inferenceTimeout', 1, 3600).optional(),
		requestResponseLogging: requestResponseLoggingInputSchema.optional(),
	})
	.superRefine((input, ctx) => {
		if (ENDPOINT_CHANGES.some((field) => input[field] !== undefined)) return;
		ctx.addIssue({ code: 'custom', message: `Nothing to update: give at least one of ${ENDPOINT_CHANGES.join(', ')}.` });
	});

/** The changeable fields of updateEndpointInputSchema. */
export const ENDPOINT_CHANGES = ['displayName', 'description', 'labels', 'inferenceTimeout', 'requestResponseLogging'] as const;

const replicasSchema = (name: string) =>
	z.int({ error: `${name} must be a whole number >= 1.` }).min(1, { error: `${name} must be a whole number >= 1.` });

/**
 * MutateDeployedModelRequest's changes, as its proto lists what is mutable in v1: min, max and required replica
 * counts and the autoscaling metric specs of dedicated resources, and disable_container_logging. (Access logging is
 * not among them: changing it means deploying again.)
 */
export const mutateDeployedModelInputSchema = z
	.strictObject({
		endpoint: z.string().min(1, { error: 'endpoint is required.' }),
		deployedModelId: z.string().regex(DEPLOYED_MODEL_NUMBER.pattern, {
			error: (issue) => `deployedModelId ${quoteForMessage(issue.input)} is not valid: it is the number Vertex gave the deployed model.`,
		}),
		minReplicaCount: replicasSchema('minReplicaCount').optional(),
		maxReplicaCount: replicasSchema('maxReplicaCount').optional(),
		requiredReplicaCount: z
			.int({ error: 'requiredReplicaCount must be a whole number >= 0.' })
			.min(0, { error: 'requiredReplicaCount must be a whole number >= 0.' })
			.optional(),
		autoscalingMetricSpecs: dedicatedResourcesInputSchema.shape.autoscalingMetricSpecs,
		disableContainerLogging: z.boolean({ error: 'disableContainerLogging must be true or false.' }).optional(),
		/** v1 (default) or v1beta1, which the Pub/Sub backlog metric's subscription labels need; never switched silently. */
		apiVersion: apiVersionSchema,
	})
	.superRefine((input, ctx) => {
		if (input.apiVersion !== 'v1beta1') {
			(input.autoscalingMetricSpecs ?? []).forEach((spec, index) => {
				if (spec.monitoredResourceLabels !== undefined) ctx.addIssue(previewFieldIssue(['autoscalingMetricSpecs', index, 'monitoredResourceLabels']));
			});
		}
		if (!DEPLOYED_MODEL_CHANGES.some((field) => input[field] !== undefined)) {
			ctx.addIssue({ code: 'custom', message: `Nothing to change: give at least one of ${DEPLOYED_MODEL_CHANGES.join(', ')}.` });
		}
		const { minReplicaCount: min, maxReplicaCount: max } = input;
		if (min !== undefined && max !== undefined && max < min) {
			ctx.addIssue({
				code: 'custom',
				path: ['maxReplicaCount'],
				...siblingsMessage(messageParts`${fieldRef('maxReplicaCount')} (${max}) must be >= ${fieldRef('minReplicaCount')} (${min}).`),
			});
		}
	});

/** The changeable fields of mutateDeployedModelInputSchema. */
export const DEPLOYED_MODEL_CHANGES = [
	'minReplicaCount',
	'maxReplicaCount',
	'requiredReplicaCount',
	'autoscalingMetricSpecs',
	'disableContainerLogging',
] as const;

export type RequestResponseLoggingInput = z.input<typeof requestResponseLoggingInputSchema>;
export type UpdateEndpointInput = z.input<typeof updateEndpointInputSchema>;
export type MutateDeployedModelInput = z.input<typeof mutateDeployedModelInputSchema>;
