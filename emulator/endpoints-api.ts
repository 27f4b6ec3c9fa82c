/** EndpointService: create, get, list, delete. Deploy and undeploy live in deployments.ts. */
import { typeUrl, type ApiCall, type EmulatorContext } from './context';
import { ApiError, fieldViolations, notFound, type FieldViolation } from './google-errors';
import { isValidResourceId, newFreeId, parseDuration } from './ids';
import { asRecord } from './http-util';
import { filterPredicate, listResponse, page } from './listing';
import { completeQuickOperation } from './operations-api';
import { newEtag, type EndpointRecord } from './resources';

const DEFAULT_INFERENCE_TIMEOUT_MS = 600_000;
const MAX_INFERENCE_TIMEOUT_MS = 3_600_000;
const ENDPOINT_OUTPUT_FIELDS = ['name', 'deployedModels', 'createTime', 'updateTime', 'etag', 'dedicatedEndpointDns', 'modelDeploymentMonitoringJob', 'satisfiesPzs', 'satisfiesPzi'];

export function createEndpoint(ctx: EmulatorContext, call: ApiCall): Record<string, unknown> {
	const violations: FieldViolation[] = [];
	const body = call.body;
	if (typeof body.displayName !== 'string' || body.displayName.trim() === '') violations.push({ field: 'endpoint.display_name', description: 'Required field is not set.' });
	const requestedId = call.query.get('endpointId') ?? call.query.get('endpoint_id') ?? undefined;
	if (requestedId !== undefined && !isValidResourceId(requestedId)) {
		violations.push({ field: 'endpoint_id', description: 'Invalid endpoint_id: use up to 63 of [a-z0-9-] starting with a letter and ending with a letter or digit, or up to 9 digits without a leading zero.' });
	}
	if (body.dedicatedEndpointEnabled !== undefined && typeof body.dedicatedEndpointEnabled !== 'boolean') {
		violations.push({ field: 'endpoint.dedicated_endpoint_enabled', description: 'Must be a boolean.' });
	}
	let inferenceTimeoutMs = DEFAULT_INFERENCE_TIMEOUT_MS;
	const connection = asRecord(body.clientConnectionConfig);
	if (connection?.inferenceTimeout !== undefined) {
		const ms = parseDuration(connection.inferenceTimeout);
		if (ms === undefined || ms <= 0 || ms > MAX_INFERENCE_TIMEOUT_MS) {
			violations.push({ field: 'endpoint.client_connection_config.inference_timeout', description: 'Inference timeout must be a duration greater than 0s and at most 3600s.' });
		} else inferenceTimeoutMs = ms;
	}
	const split = asRecord(body.trafficSplit);
	if (split && Object.keys(split).length > 0) violations.push({ field: 'endpoint.traffic_split', description: 'An endpoint without deployed models cannot have a traffic split.' });
	if (violations.length > 0) throw fieldViolations(violations);
	if (requestedId !== undefined && ctx.store.endpoints.has(requestedId)) {
		throw new ApiError('ALREADY_EXISTS', `Endpoint ${ctx.store.endpointName(requestedId)} already exists.`);
	}

	const id = requestedId ?? newFreeId(ctx.store.endpoints);
	const spec: Record<string, unknown> = { ...body };
	for (const field of ENDPOINT_OUTPUT_FIELDS) delete spec[field];
	delete spec.trafficSplit;
	const now = Date.now();
	const dnsFault = ctx.faults.take('dns', call.path, call.method);
	const endpoint: EndpointRecord = {
		id,
		spec,
		createTime: now,
		updateTime: now,
		etag: newEtag(),
		dnsReadyAt: now + ctx.dnsDelayMs + (dnsFault ? (dnsFault.delayMs ?? 2000) : 0),
		inferenceTimeoutMs,
		deployedModels: [],
		trafficSplit: {},
	};
	ctx.store.endpoints.set(id, endpoint);
	const op = ctx.operations.create(ctx.store.endpointName(id), typeUrl(call.version, 'CreateEndpointOperationMetadata'));
	completeQuickOperation(
		ctx,
		call,
		op,
		() => ({ '@type': typeUrl(call.version, 'Endpoint'), ...ctx.store.endpointJson(endpoint) }),
		() => {
			if (ctx.store.endpoints.get(id) === endpoint) ctx.store.endpoints.delete(id);
		},
	);
	return ctx.operations.toJson(op);
}

export function requireEndpoint(ctx: EmulatorContext, id: string): EndpointRecord {
	const endpoint = ctx.store.endpoints.get(id);
	if (!endpoint) throw notFound('endpoint', ctx.store.endpointName(id));
	return endpoint;
}

export function getEndpoint(ctx: EmulatorContext, id: string): Record<string, unknown> {
	return ctx.store.endpointJson(requireEndpoint(ctx, id));
}

export function listEndpoints(ctx: EmulatorContext, call: ApiCall): Record<string, unknown> {
	const keep = filterPredicate(call.query);
	const all = [...ctx.store.endpoints.values()].map((endpoint) => ctx.store.endpointJson(endpoint)).filter(keep);
	return listResponse('endpoints', page(all, call.query));
}

/** Refused while models are deployed (as on Vertex); deploys still in flight are cancelled. */
export function deleteEndpoint(ctx: EmulatorContext, call: ApiCall, id: string, cancelDeploys: (endpointId: string) => void): Record<string, unknown> {
	const endpoint = requireEndpoint(ctx, id);
	if (endpoint.deployedModels.length > 0) {
		throw new ApiError(
			'FAILED_PRECONDITION',
			`Endpoint ${ctx.store.endpointName(id)} has deployed models (${endpoint.deployedModels.map((d) => d.id).join(', ')}). Undeploy them before deleting the endpoint.`,
		);
	}
	cancelDeploys(id);
	ctx.store.endpoints.delete(id);
	const op = ctx.operations.create(ctx.store.parent, typeUrl(call.version, 'DeleteOperationMetadata'));
	ctx.operations.succeed(op, { '@type': 'type.googleapis.com/google.protobuf.Empty' });
	return ctx.operations.toJson(op);
}
