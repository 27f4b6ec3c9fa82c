/** Model and ModelContainerSpec: strict request shapes (typos caught before sending), tolerant answers. */
import { z } from 'zod/v4';

import { ENV_VAR_NAME, IMAGE_URI, SERVER_ROUTE, VERSION_ALIAS } from '../rules/ids';
import { fieldRef, messageParts } from '../errors';
import { quoteForMessage } from '../secrets';
import { siblingsMessage, textMatching } from './validate';
import {
	additionalFieldsSchema,
	apiVersionSchema,
	blankAsUnset,
	callerIdSchema,
	encryptionSpecSchema, displayNameSchema, durationSchema,
	int64Schema,
	labelsSchema,
	optionalText,
	serviceAccountEmailSchema,
} from './common';

const routeSchema = (name: string) =>
	optionalText.refine((value) => value === undefined || SERVER_ROUTE.pattern.test(value), {
		error: `${name} must be ${SERVER_ROUTE.rule}.`,
	});

const portSchema = z.strictObject({
	containerPort: z.int().min(1, { error: 'containerPort must be between 1 and 65535.' }).max(65535, {
		error: 'containerPort must be between 1 and 65535.',
	}),
});

const envVarSchema = z.strictObject({
	name: textMatching(ENV_VAR_NAME, (value) => `Environment variable name ${quoteForMessage(value)} is not valid: ${ENV_VAR_NAME.rule}.`),
	value: z.string({ error: 'Environment variable values must be strings.' }),
});

/** Probes are passed through as given (Vertex validates their many variants); only their shape is checked. */
const probeSchema = z.looseObject({
	periodSeconds: z.int().min(1).optional(),
	timeoutSeconds: z.int().min(1).optional(),
	failureThreshold: z.int().min(1).optional(),
	successThreshold: z.int().min(1).optional(),
	initialDelaySeconds: z.int().min(0).optional(),
});

export const INVOKE_ROUTE_PREFIX = '/*';

/** The port Vertex sends a container's requests to when its spec names none (and gives it as AIP_HTTP_PORT). */
export const DEFAULT_CONTAINER_PORT = 8080;

export const modelContainerSpecInputSchema = z
	.strictObject({
		imageUri: z
			.string()
			.trim()
			.min(1, { error: 'imageUri is required: the container image, e.g. us-docker.pkg.dev/project/repo/server:tag.' })
			.pipe(textMatching(IMAGE_URI, (value) => `imageUri ${quoteForMessage(value)} is not valid: use ${IMAGE_URI.rule}.`)),
		command: z.array(z.string()).optional(),
		args: z.array(z.string()).optional(),
		env: z.array(envVarSchema).optional(),
		ports: z.array(portSchema).max(1, { error: 'ports takes at most one port (Vertex uses the first).' }).optional(),
		predictRoute: routeSchema('predictRoute'),
		healthRoute: routeSchema('healthRoute'),
		invokeRoutePrefix: optionalText.refine((value) => value === undefined || value === INVOKE_ROUTE_PREFIX, {
			error: (issue) =>
				`invokeRoutePrefix only accepts "${INVOKE_ROUTE_PREFIX}" (every path under /invoke goes to the container); got ${quoteForMessage(issue.input)}.`,
		}),
		grpcPorts: z.array(portSchema).optional(),
		deploymentTimeout: durationSchema('deploymentTimeout', 1, 7200).optional(),
		sharedMemorySizeMb: int64Schema('sharedMemorySizeMb').optional(),
		startupProbe: probeSchema.optional(),
		healthProbe: probeSchema.optional(),
		livenessProbe: probeSchema.optional(),
	})
	.superRefine((spec, ctx) => {
		if (spec.invokeRoutePrefix !== undefined && spec.predictRoute !== undefined) {
			ctx.addIssue({
				code: 'custom',
				path: ['predictRoute'],
				...siblingsMessage(
					messageParts`${fieldRef('predictRoute')} cannot be set together with ${fieldRef('invokeRoutePrefix')}: an invoke-enabled model serves every path through /invoke; remove ${fieldRef('predictRoute')} (or ${fieldRef('invokeRoutePrefix')}).`,
				),
			});
		}
	});

export const modelInputSchema = z.strictObject({
	displayName: displayNameSchema,
	description: optionalText,
	versionDescription: optionalText,
	versionAliases: z.array(textMatching(VERSION_ALIAS, (value) => `Version alias ${quoteForMessage(value)} is not valid: use ${VERSION_ALIAS.rule}.`)).optional(),
	labels: labelsSchema.optional(),
	artifactUri: optionalText,
	containerSpec: modelContainerSpecInputSchema,
	metadataSchemaUri: optionalText,
	metadata: z.unknown().optional(),
	predictSchemata: z.looseObject({}).optional(),
	explanationSpec: z.looseObject({}).optional(),
	encryptionSpec: encryptionSpecSchema.optional(),
});

export const uploadModelInputSchema = z.strictObject({
	model: modelInputSchema,
	modelId: blankAsUnset(callerIdSchema('modelId')),
	/** A model id or resource name; the resources layer expands it. */
	parentModel: optionalText,
	serviceAccount: blankAsUnset(serviceAccountEmailSchema),
	/** When `modelId` is taken: fail (409), or use the existing model. */
	ifExists: z.enum(['fail', 'use'], { error: 'ifExists must be "fail" or "use".' }).default('fail'),
	apiVersion: apiVersionSchema,
	additionalFields: additionalFieldsSchema,
});

export type ModelContainerSpecInput = z.input<typeof modelContainerSpecInputSchema>;
export type ModelInput = z.input<typeof modelInputSchema>;
export type UploadModelInput = z.input<typeof uploadModelInputSchema>;

/** A Model as Vertex returns it: known fields typed, everything else kept. */
export const modelSchema = z.looseObject({
	name: z.string(),
	displayName: z.string().optional(),
	description: z.string().optional(),
	versionId: z.string().optional(),
	versionAliases: z.array(z.string()).optional(),
	createTime: z.string().optional(),
	updateTime: z.string().optional(),
	labels: z.record(z.string(), z.string()).optional(),
	containerSpec: z.looseObject({ imageUri: z.string().optional(), invokeRoutePrefix: z.string().optional() }).optional(),
	deployedModels: z.array(z.looseObject({ endpoint: z.string().optional(), deployedModelId: z.string().optional() })).optional(),
	artifactUri: z.string().optional(),
});
export type Model = z.output<typeof modelSchema>;

export const listModelsResponseSchema = z.looseObject({
	models: z.array(modelSchema).optional(),
	nextPageToken: z.string().optional(),
});
