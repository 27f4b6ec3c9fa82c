/**
 * Live changes: an endpoint's own fields (UpdateEndpoint, a PATCH whose update mask names exactly the fields the
 * caller gave) and a deployed model's replicas, autoscaling and container logging (MutateDeployedModel, a
 * long-running operation).
 *
 * Concurrent edits: each masked field is replaced by the caller's value alone, nothing is computed from an earlier
 * read, so there is no read-modify-write to protect with the etag: a field nobody named is never sent, and for a
 * field two callers set at once the later write wins, as it does in the console.
 */
import { fieldRef, messageParts, VertexValidationError } from '../errors';
import type { CallOptions } from '../http';
import { endpointSchema, type DeployedModel, type Endpoint } from '../schemas/endpoint';
import {
	mutateDeployedModelInputSchema,
	updateEndpointInputSchema,
	type MutateDeployedModelInput,
	type UpdateEndpointInput,
} from '../schemas/endpointUpdate';
import { operationSchema, type Operation } from '../schemas/operation';
import { parseInput } from '../schemas/validate';
import { sendJson } from '../transport/json';
import { resourceName } from '../names';
import { apiUrl, inApiVersion, patchFields, type ControlPlane } from './controlPlane';
import { deployedModelOn, getEndpoint } from './endpoints';

/**
 * Changes the given fields of an endpoint; the answer is the endpoint after the change. The update mask names
 * exactly those fields (the inference timeout is `clientConnectionConfig`, the logging
 * `predictRequestResponseLoggingConfig`, each replaced whole).
 */
export async function updateEndpoint(controlPlane: ControlPlane, input: UpdateEndpointInput, options: CallOptions = {}): Promise<Endpoint> {
	const request = parseInput(updateEndpointInputSchema, input);
	const name = resourceName('endpoints', request.endpoint, controlPlane);
	const body: Record<string, unknown> = {};
	if (request.displayName !== undefined) body.displayName = request.displayName;
	if (request.description !== undefined) body.description = request.description;
	if (request.labels !== undefined) body.labels = request.labels;
	if (request.inferenceTimeout !== undefined) body.clientConnectionConfig = { inferenceTimeout: request.inferenceTimeout };
	if (request.requestResponseLogging !== undefined) body.predictRequestResponseLoggingConfig = request.requestResponseLogging;
	return patchFields(controlPlane, name, 'endpoint', body, endpointSchema, options);
}

/** A whole number field of a deployed model's dedicatedResources, when Vertex reported one. */
function replicaField(deployed: DeployedModel, field: 'minReplicaCount' | 'maxReplicaCount'): number | undefined {
	const value = (deployed.dedicatedResources as Record<string, unknown> | undefined)?.[field];
	return typeof value === 'number' ? value : undefined;
}

/** Refuses a change whose replica counts, merged with the deployment's current ones, could not hold. */
function assertReplicaCounts(request: ReturnType<typeof parseMutate>, deployed: DeployedModel): void {
	const min = request.minReplicaCount ?? replicaField(deployed, 'minReplicaCount');
	const max = request.maxReplicaCount ?? replicaField(deployed, 'maxReplicaCount') ?? min;
	if (min !== undefined && max !== undefined && max < min) {
		const field = request.maxReplicaCount !== undefined ? 'maxReplicaCount' : 'minReplicaCount';
		const now = request.maxReplicaCount !== undefined ? `its minReplicaCount is ${min}` : `its maxReplicaCount is ${max}`;
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} would leave deployed model ${deployed.id ?? ''} with ${fieldRef('maxReplicaCount')} ${max} below ${fieldRef('minReplicaCount')} ${min} (${now}): change both together.`,
			field,
			{ readsSent: true },
		);
	}
	if (request.requiredReplicaCount !== undefined && min !== undefined && request.requiredReplicaCount > min) {
		throw new VertexValidationError(
			messageParts`${fieldRef('requiredReplicaCount')} (${request.requiredReplicaCount}) cannot exceed ${fieldRef('minReplicaCount')} (${min}): it is how many of the minimum must run for the change to succeed.`,
			'requiredReplicaCount',
			{ readsSent: true },
		);
	}
}

function parseMutate(input: MutateDeployedModelInput) {
	return parseInput(mutateDeployedModelInputSchema, input);
}

const REPLICA_FIELDS = ['minReplicaCount', 'maxReplicaCount', 'requiredReplicaCount', 'autoscalingMetricSpecs'] as const;

/**
 * Starts a MutateDeployedModel: the deployed model's replica counts, autoscaling metric specs and container logging,
 * as given. The endpoint is read first: a deployed model that is not there, one without dedicated resources (its
 * replicas belong to a shared pool), or counts that would not hold with the current ones are refused before sending.
 */
export async function mutateDeployedModel(controlPlane: ControlPlane, input: MutateDeployedModelInput, options: CallOptions = {}): Promise<Operation> {
	const request = parseMutate(input);
	const endpointName = resourceName('endpoints', request.endpoint, controlPlane);
	const current = await getEndpoint(controlPlane, endpointName, options);
	const deployed = deployedModelOn(current, endpointName, request.deployedModelId);
	const replicaChanges = REPLICA_FIELDS.filter((field) => request[field] !== undefined);
	if (replicaChanges.length > 0 && !deployed.dedicatedResources) {
		const where = typeof deployed.sharedResources === 'string' ? ` (it runs on the shared pool ${deployed.sharedResources}, whose replicas are the pool's)` : '';
		throw new VertexValidationError(
			messageParts`Deployed model ${request.deployedModelId} has no dedicated resources${where}: ${fieldRef(replicaChanges[0])} cannot be changed here.`,
			replicaChanges[0],
			{ readsSent: true },
		);
	}
	assertReplicaCounts(request, deployed);
	const dedicatedResources = Object.fromEntries(replicaChanges.map((field) => [field, request[field]]));
	// Container logging is disable_container_logging in v1 and enable_container_logging in v1beta1 (the request's
	// field comment: "(v1 only)" / "(v1beta1 only)").
	const logging =
		request.disableContainerLogging === undefined
			? undefined
			: request.apiVersion === 'v1beta1'
				? { enableContainerLogging: !request.disableContainerLogging }
				: { disableContainerLogging: request.disableContainerLogging };
	const deployedModel = { id: request.deployedModelId, ...(replicaChanges.length > 0 ? { dedicatedResources } : {}), ...logging };
	const updateMask = [...replicaChanges.map((field) => `dedicatedResources.${field}`), ...Object.keys(logging ?? {})].join(',');
	const versioned = inApiVersion(controlPlane, request.apiVersion);
	return sendJson(
		controlPlane.sender,
		{
			method: 'POST',
			url: apiUrl(versioned, `${endpointName}:mutateDeployedModel`, 'endpoint'),
			body: { deployedModel, updateMask },
			signal: options.signal,
			retry: false,
		},
		operationSchema,
		'mutate operation',
	);
}
