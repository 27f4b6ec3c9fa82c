/** EndpointService: create, get, list, update, delete, and traffic splits. Deploy and undeploy live in deployments.ts. */
import { typeUrl, type ApiCall, type EmulatorContext } from './context';
import { ApiError, fieldViolations, notFound, type FieldViolation } from './googleErrors';
import { isValidResourceId, newFreeId } from './ids';
import { asRecord } from './httpUtil';
import { maskedFields } from './fieldMask';
import { checkEncryptionSpec, checkInferenceTimeout, checkLabels, checkPrivateServiceConnect, checkRequestResponseLogging } from './resourceRules';
import { filterPredicate, listResponse, page } from './listing';
import { completeQuickOperation, finishedDeleteOperation } from './operationsApi';
import { newEtag, type EndpointRecord } from './resources';

const DEFAULT_INFERENCE_TIMEOUT_MS = 600_000;
/** UpdateEndpoint's mask paths, in either spelling, and the Endpoint field each one sets. */
const UPDATABLE_FIELDS = {
	display_name: 'displayName',
	displayName: 'displayName',
	description: 'description',
	labels: 'labels',
	traffic_split: 'trafficSplit',
	trafficSplit: 'trafficSplit',
	predict_request_response_logging_config: 'predictRequestResponseLoggingConfig',
	predictRequestResponseLoggingConfig: 'predictRequestResponseLoggingConfig',
	client_connection_config: 'clientConnectionConfig',
	clientConnectionConfig: 'clientConnectionConfig',
	'client_connection_config.inference_timeout': 'clientConnectionConfig',
	'clientConnectionConfig.inferenceTimeout': 'clientConnectionConfig',
} as const;
type UpdatableField = (typeof UPDATABLE_FIELDS)[keyof typeof UPDATABLE_FIELDS];

/** CreateEndpoint: the body is the Endpoint (types and its REQUIRED display_name already checked), `endpointId` in the query. */
export function createEndpoint(ctx: EmulatorContext, call: ApiCall): Record<string, unknown> {
	const violations: FieldViolation[] = [];
	const body = call.body;
	const requestedId = call.query.get('endpointId') ?? undefined;
	if (requestedId !== undefined && !isValidResourceId(requestedId)) {
		violations.push({ field: 'endpoint_id', description: 'Invalid endpoint_id: use up to 63 of [a-z0-9-] starting with a letter and ending with a letter or digit, or up to 9 digits without a leading zero.' });
	}
	const inferenceTimeoutMs = checkInferenceTimeout(body.clientConnectionConfig, 'endpoint.client_connection_config', violations) ?? DEFAULT_INFERENCE_TIMEOUT_MS;
	checkLabels(body.labels, 'endpoint.labels', violations);
	checkEncryptionSpec(body.encryptionSpec, 'endpoint.encryption_spec', ctx.location, violations);
	checkRequestResponseLogging(body.predictRequestResponseLoggingConfig, 'endpoint.predict_request_response_logging_config', violations);
	checkPrivateServiceConnect(body, violations);
	const split = asRecord(body.trafficSplit);
	if (split && Object.keys(split).length > 0) violations.push({ field: 'endpoint.traffic_split', description: 'An endpoint without deployed models cannot have a traffic split.' });
	if (violations.length > 0) throw fieldViolations(violations);
	if (requestedId !== undefined && ctx.store.endpoints.has(requestedId)) {
		throw new ApiError('ALREADY_EXISTS', `Endpoint ${ctx.store.endpointName(requestedId)} already exists.`);
	}

	const id = requestedId ?? newFreeId(ctx.store.endpoints);
	// Output-only fields were dropped by the contract check; the etag is the emulator's to give.
	const { trafficSplit: _split, etag: _etag, ...spec } = body;
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
	return finishedDeleteOperation(ctx, call);
}

export interface SplitRules {
	/** The request field violations name. */
	field: string;
	/** The key that stands for the model being deployed ("0" on deployModel). */
	placeholder?: string;
	/** The deployed model being undeployed: it may be named only with 0, and is left out of the result. */
	removing?: string;
}

/**
 * Checks a traffic split: every key a deployed model of the endpoint (or the placeholder), whole
 * percentages 0..100 adding up to 100 unless the map is empty (an endpoint that takes no traffic).
 * Returns undefined when the caller gave none.
 */
export function validateTrafficSplit(raw: unknown, endpoint: EndpointRecord, rules: SplitRules, violations: FieldViolation[]): Record<string, number> | undefined {
	if (raw === undefined) return undefined;
	// A map<string, int32> already (checked against the contract).
	const split = raw as Record<string, number>;
	const known = new Set(endpoint.deployedModels.map((d) => d.id));
	let sum = 0;
	const out: Record<string, number> = {};
	for (const [key, percent] of Object.entries(split)) {
		if (key !== rules.placeholder && !known.has(key)) violations.push({ field: rules.field, description: `Deployed model ${key} does not exist in the endpoint.` });
		if (percent < 0 || percent > 100) {
			violations.push({ field: rules.field, description: `Traffic for ${key} must be an integer between 0 and 100.` });
			continue;
		}
		sum += percent;
		if (key !== rules.removing) out[key] = percent;
		else if (percent > 0) violations.push({ field: rules.field, description: `Deployed model ${key} is being undeployed and cannot keep traffic: give it 0 or leave it out.` });
	}
	if (Object.keys(split).length > 0 && sum !== 100) violations.push({ field: rules.field, description: `The traffic split must add up to 100, got ${sum}.` });
	return out;
}

/**
 * UpdateEndpoint (PATCH, answered with the Endpoint itself, not an operation). A masked field the
 * body leaves out is cleared, as FieldMask updates do; a new split takes effect on the next invoke.
 */
export function updateEndpoint(ctx: EmulatorContext, call: ApiCall, id: string): Record<string, unknown> {
	const fields = maskedFields(call.query.get('updateMask'), UPDATABLE_FIELDS);
	const endpoint = requireEndpoint(ctx, id);
	// A null in the body was read as "not set" (proto3 JSON), like a field left out.
	const given = (field: UpdatableField): unknown => call.body[field];
	const violations: FieldViolation[] = [];
	// The body's types are checked; of its REQUIRED fields, an update asks only for those the mask names.
	if (fields.has('displayName') && !given('displayName')) violations.push({ field: 'endpoint.display_name', description: 'Required field is not set.' });
	const split = fields.has('trafficSplit') ? (validateTrafficSplit(given('trafficSplit'), endpoint, { field: 'endpoint.traffic_split' }, violations) ?? {}) : undefined;
	if (fields.has('labels')) checkLabels(given('labels'), 'endpoint.labels', violations);
	if (fields.has('predictRequestResponseLoggingConfig')) checkRequestResponseLogging(given('predictRequestResponseLoggingConfig'), 'endpoint.predict_request_response_logging_config', violations);
	const timeoutMs = fields.has('clientConnectionConfig') ? checkInferenceTimeout(given('clientConnectionConfig'), 'endpoint.client_connection_config', violations) : undefined;
	if (violations.length > 0) throw fieldViolations(violations);

	for (const field of ['displayName', 'description', 'labels', 'predictRequestResponseLoggingConfig', 'clientConnectionConfig'] as const) {
		if (!fields.has(field)) continue;
		const value = given(field);
		if (value === undefined) delete endpoint.spec[field];
		else endpoint.spec[field] = typeof value === 'object' ? structuredClone(value) : value;
	}
	if (fields.has('clientConnectionConfig')) endpoint.inferenceTimeoutMs = timeoutMs ?? DEFAULT_INFERENCE_TIMEOUT_MS;
	if (split) endpoint.trafficSplit = split;
	ctx.store.touch(endpoint);
	return ctx.store.endpointJson(endpoint);
}
