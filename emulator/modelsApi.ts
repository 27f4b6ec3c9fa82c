/** ModelService: models:upload, get, list, delete, and the versions of a model (list, delete). */
import { typeUrl, type ApiCall, type EmulatorContext } from './context';
import { maskedFields } from './fieldMask';
import { checkEncryptionSpec, checkLabels } from './resourceRules';
import { ApiError, fieldViolations, notFound, type FieldViolation } from './googleErrors';
import { isValidResourceId, newFreeId, parseDuration } from './ids';
import { asRecord } from './httpUtil';
import { filterPredicate, listResponse, page } from './listing';
import { completeQuickOperation, finishedDeleteOperation } from './operationsApi';
import { newEtag, type ModelRecord, type ModelVersionRecord } from './resources';

const MAX_DEPLOYMENT_TIMEOUT_MS = 2 * 60 * 60 * 1000;

export interface ModelRef {
	modelId: string;
	version?: string;
}

/** `projects/{p}/locations/{l}/models/{id}[@version]` with any known project spelling. */
export function parseModelName(ctx: EmulatorContext, name: string): ModelRef | undefined {
	const match = /^projects\/([^/]+)\/locations\/([^/]+)\/models\/([^/@]+)(?:@([^/]+))?$/.exec(name);
	if (!match) return undefined;
	const [, project, location, modelId, version] = match as unknown as [string, string, string, string, string | undefined];
	if (project !== ctx.projectId && project !== ctx.projectNumber) return undefined;
	if (location !== ctx.location) return undefined;
	return { modelId, version };
}

/**
 * What Vertex checks of a container spec beyond its message's types and REQUIRED fields (already checked
 * against the contract): the invoke rules, routes, one port, the deployment timeout's range.
 */
function validateContainerSpec(spec: Record<string, unknown>, violations: FieldViolation[]): void {
	const at = 'model.container_spec';
	const invokePrefix = spec.invokeRoutePrefix;
	if (invokePrefix !== undefined && invokePrefix !== '') {
		if (invokePrefix !== '/*') violations.push({ field: `${at}.invoke_route_prefix`, description: 'invoke_route_prefix only supports "/*".' });
		if (spec.predictRoute !== undefined && spec.predictRoute !== '') {
			violations.push({ field: `${at}.predict_route`, description: 'predict_route and invoke_route_prefix cannot both be set.' });
		}
	}
	for (const route of ['predictRoute', 'healthRoute'] as const) {
		const value = spec[route] as string | undefined;
		if (value !== undefined && value !== '' && !value.startsWith('/')) {
			violations.push({ field: `${at}.${route === 'predictRoute' ? 'predict_route' : 'health_route'}`, description: 'Must be a path starting with "/".' });
		}
	}
	if (Array.isArray(spec.ports) && spec.ports.length > 1) violations.push({ field: `${at}.ports`, description: 'At most one port can be given.' });
	if (spec.deploymentTimeout !== undefined) {
		const ms = parseDuration(spec.deploymentTimeout);
		if (ms === undefined || ms <= 0 || ms > MAX_DEPLOYMENT_TIMEOUT_MS) {
			violations.push({ field: `${at}.deployment_timeout`, description: 'Must be a duration between 0s and 7200s.' });
		}
	}
}

export function uploadModel(ctx: EmulatorContext, call: ApiCall): Record<string, unknown> {
	// model, its display_name and container_spec.image_uri are REQUIRED: the contract check made sure of them.
	const model = call.body.model as Record<string, unknown>;
	const violations: FieldViolation[] = [];
	const containerSpec = asRecord(model.containerSpec);
	if (!containerSpec) violations.push({ field: 'model.container_spec', description: 'Required field is not set: the emulator serves custom containers.' });
	else validateContainerSpec(containerSpec, violations);
	checkLabels(model.labels, 'model.labels', violations);
	checkEncryptionSpec(model.encryptionSpec, 'model.encryption_spec', ctx.location, violations);
	const modelId = call.body.modelId as string | undefined;
	if (modelId !== undefined && !isValidResourceId(modelId)) {
		violations.push({ field: 'model_id', description: 'Invalid model_id: use up to 63 of [a-z0-9-] starting with a letter and ending with a letter or digit, or up to 9 digits without a leading zero.' });
	}
	let parent: ModelRecord | undefined;
	if (call.body.parentModel !== undefined) {
		const ref = parseModelName(ctx, call.body.parentModel as string);
		if (!ref || ref.version !== undefined) violations.push({ field: 'parent_model', description: 'Must be a model resource name without a version.' });
		else {
			parent = ctx.store.models.get(ref.modelId);
			if (!parent) throw notFound('model', ctx.store.modelName(ref.modelId));
			if (modelId !== undefined && modelId !== ref.modelId) violations.push({ field: 'model_id', description: 'model_id must match parent_model when both are set.' });
		}
	}
	if (violations.length > 0) throw fieldViolations(violations);
	if (!parent && modelId !== undefined && ctx.store.models.has(modelId)) {
		throw new ApiError('ALREADY_EXISTS', `Model ${ctx.store.modelName(modelId)} already exists.`);
	}

	const now = Date.now();
	const record: ModelRecord = parent ?? { id: modelId ?? newFreeId(ctx.store.models), versions: new Map(), nextVersion: 1, createTime: now };
	const versionId = String(record.nextVersion++);
	// Output-only fields were dropped by the contract check; name and etag are the emulator's to give.
	const { versionAliases, name: _name, etag: _etag, ...spec } = model;
	const requestedAliases = (versionAliases as string[] | undefined) ?? [];
	const aliases = [...requestedAliases.filter((alias) => alias !== 'default')];
	// The first version is the default; later ones only when asked, and the alias then moves.
	if (record.versions.size === 0 || requestedAliases.includes('default')) {
		for (const other of record.versions.values()) {
			if (!other.aliases.includes('default')) continue;
			other.aliases = other.aliases.filter((alias) => alias !== 'default');
			other.updateTime = now;
			other.etag = newEtag();
		}
		aliases.unshift('default');
	}
	const version: ModelVersionRecord = {
		versionId,
		spec,
		containerSpec: { ...containerSpec },
		aliases,
		createTime: now,
		updateTime: now,
		etag: newEtag(),
	};
	record.versions.set(versionId, version);
	ctx.store.models.set(record.id, record);

	const op = ctx.operations.create(ctx.store.modelName(record.id), typeUrl(call.version, 'UploadModelOperationMetadata'));
	completeQuickOperation(ctx, call, op, () => ({
		'@type': typeUrl(call.version, 'UploadModelResponse'),
		model: ctx.store.modelName(record.id),
		modelVersionId: versionId,
	}), () => {
		// A failed upload leaves nothing behind.
		record.versions.delete(versionId);
		if (record.versions.size === 0) ctx.store.models.delete(record.id);
	});
	return ctx.operations.toJson(op);
}

export function requireModel(ctx: EmulatorContext, ref: ModelRef): { model: ModelRecord; version: ModelVersionRecord } {
	const model = ctx.store.models.get(ref.modelId);
	const version = model ? ctx.store.findVersion(model, ref.version) : undefined;
	if (!model || !version) throw notFound('model', ctx.store.modelName(ref.version ? `${ref.modelId}@${ref.version}` : ref.modelId));
	return { model, version };
}

export function getModel(ctx: EmulatorContext, ref: ModelRef): Record<string, unknown> {
	const { model, version } = requireModel(ctx, ref);
	return ctx.store.modelJson(model, version);
}

export function listModels(ctx: EmulatorContext, call: ApiCall): Record<string, unknown> {
	const keep = filterPredicate(call.query);
	const all = [...ctx.store.models.values()]
		.map((model) => {
			const version = ctx.store.findVersion(model, undefined);
			return version ? ctx.store.modelJson(model, version) : undefined;
		})
		.filter((json): json is Record<string, unknown> => json !== undefined && keep(json));
	return listResponse('models', page(all, call.query));
}

/** Endpoint ids a deploy of the model (of the version, if given) is still in flight to. */
export type DeployingLookup = (modelId: string, versionId?: string) => string[];

/**
 * Vertex refuses deleting a model, or one of its versions, while it is deployed or being deployed,
 * and names the endpoints so the caller knows what to undeploy.
 */
function refuseWhileDeployed(ctx: EmulatorContext, subject: string, modelId: string, versionId: string | undefined, deploying: DeployingLookup): void {
	const endpointIds = [...ctx.store.deploymentsOf(modelId, versionId).map((d) => d.endpointId), ...deploying(modelId, versionId)];
	if (endpointIds.length === 0) return;
	const where = [...new Set(endpointIds)].map((id) => ctx.store.endpointName(id)).join(', ');
	throw new ApiError('FAILED_PRECONDITION', `The Model "${subject}" is deployed or being deployed at the following Endpoint(s): ${where}. Undeploy it from them first.`);
}

/** DeleteModel: every version goes. `models/{id}@{version}` is taken as DeleteModelVersion. */
export function deleteModel(ctx: EmulatorContext, call: ApiCall, ref: ModelRef, deploying: DeployingLookup): Record<string, unknown> {
	if (ref.version !== undefined) return deleteModelVersion(ctx, call, ref, deploying);
	const { model } = requireModel(ctx, ref);
	refuseWhileDeployed(ctx, ctx.store.modelName(model.id), model.id, undefined, deploying);
	ctx.store.models.delete(model.id);
	return finishedDeleteOperation(ctx, call);
}

/** DeleteModelVersion (`:deleteVersion`): a version named by id or alias, never the default one. */
export function deleteModelVersion(ctx: EmulatorContext, call: ApiCall, ref: ModelRef, deploying: DeployingLookup): Record<string, unknown> {
	if (ref.version === undefined) {
		throw fieldViolations([{ field: 'name', description: 'The model version to delete must be named with its version id or alias: models/{model}@{version}.' }]);
	}
	const { model, version } = requireModel(ctx, ref);
	const subject = `${ctx.store.modelName(model.id)}@${version.versionId}`;
	// Checked before deployments: undeploying would not make the default version deletable.
	if (version.aliases.includes('default')) {
		throw new ApiError(
			'FAILED_PRECONDITION',
			`Model version ${subject} is the default version of the model and cannot be deleted. Delete the model instead, or make another version the default first.`,
		);
	}
	refuseWhileDeployed(ctx, subject, model.id, version.versionId, deploying);
	model.versions.delete(version.versionId);
	return finishedDeleteOperation(ctx, call);
}

/** ListModelVersions (`:listVersions`): every version as a Model, oldest first. */
export function listModelVersions(ctx: EmulatorContext, call: ApiCall, modelId: string): Record<string, unknown> {
	const { model } = requireModel(ctx, { modelId });
	const keep = filterPredicate(call.query);
	const all = [...model.versions.values()].map((version) => ctx.store.modelJson(model, version)).filter(keep);
	return listResponse('models', page(all, call.query));
}

/** UpdateModel's mask paths (UpdateModelRequest.model: display_name, description, version_description, labels). */
const UPDATABLE_MODEL_FIELDS = {
	display_name: 'displayName',
	displayName: 'displayName',
	description: 'description',
	version_description: 'versionDescription',
	versionDescription: 'versionDescription',
	labels: 'labels',
} as const;
type UpdatableModelField = (typeof UPDATABLE_MODEL_FIELDS)[keyof typeof UPDATABLE_MODEL_FIELDS];
const MODEL_LEVEL: ReadonlySet<UpdatableModelField> = new Set(['displayName', 'description']);
/** Version aliases: `[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]` (Model.version_aliases); a leading `-` removes one in a merge. */
const VERSION_ALIAS = /^[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]$/;

/**
 * UpdateModel (PATCH, answered with the Model). `models/m` or `models/m@-` updates the model (display
 * name, description, labels: on every version here, since versions carry the model's fields); `models/m@v`
 * updates that version (version description, labels). One request cannot do both, as the proto says.
 */
export function updateModel(ctx: EmulatorContext, call: ApiCall, ref: ModelRef): Record<string, unknown> {
	const fields = maskedFields(call.query.get('updateMask'), UPDATABLE_MODEL_FIELDS);
	const versionSpecific = ref.version !== undefined && ref.version !== '-';
	const { model, version } = requireModel(ctx, versionSpecific ? ref : { modelId: ref.modelId });
	const violations: FieldViolation[] = [];
	for (const field of fields) {
		if (versionSpecific && MODEL_LEVEL.has(field)) violations.push({ field: 'update_mask', description: `${field} is a model field: update it on models/${model.id} without a version.` });
		if (!versionSpecific && field === 'versionDescription') violations.push({ field: 'update_mask', description: 'version_description is a version field: name the version (models/{model}@{version}).' });
	}
	if (fields.has('displayName') && !call.body.displayName) violations.push({ field: 'model.display_name', description: 'Required field is not set.' });
	if (fields.has('labels')) checkLabels(call.body.labels, 'model.labels', violations);
	if (violations.length > 0) throw fieldViolations(violations);
	const targets = versionSpecific ? [version] : [...model.versions.values()];
	const now = Date.now();
	for (const target of targets) {
		for (const field of fields) {
			const value = call.body[field];
			if (value === undefined) delete target.spec[field];
			else target.spec[field] = typeof value === 'object' ? structuredClone(value) : value;
		}
		target.updateTime = now;
		target.etag = newEtag();
	}
	return ctx.store.modelJson(model, version);
}

/** MergeVersionAliases: `alias` adds (moving it from another version), `-alias` removes; `default` cannot be removed. */
export function mergeVersionAliases(ctx: EmulatorContext, call: ApiCall, ref: ModelRef): Record<string, unknown> {
	if (ref.version === undefined) throw fieldViolations([{ field: 'name', description: 'Must name a version: models/{model}@{version id or alias}.' }]);
	const { model, version } = requireModel(ctx, ref);
	const requested = (call.body.versionAliases as string[] | undefined) ?? [];
	const violations: FieldViolation[] = [];
	requested.forEach((alias, i) => {
		const name = alias.startsWith('-') ? alias.slice(1) : alias;
		if (!VERSION_ALIAS.test(name)) violations.push({ field: `version_aliases[${i}]`, description: `Invalid alias "${alias}": [a-z][a-zA-Z0-9-]{0,126}[a-z0-9], with a leading "-" to remove it.` });
		else if (alias === '-default') violations.push({ field: `version_aliases[${i}]`, description: 'The default alias cannot be removed: make another version the default instead.' });
		if (requested.includes(`-${alias}`)) violations.push({ field: `version_aliases[${i}]`, description: `"${alias}" is both added and removed.` });
	});
	if (violations.length > 0) throw fieldViolations(violations);
	const now = Date.now();
	for (const alias of requested) {
		if (alias.startsWith('-')) {
			version.aliases = version.aliases.filter((existing) => existing !== alias.slice(1));
			continue;
		}
		for (const other of model.versions.values()) {
			if (other !== version && other.aliases.includes(alias)) {
				other.aliases = other.aliases.filter((existing) => existing !== alias);
				other.updateTime = now;
				other.etag = newEtag();
			}
		}
		if (!version.aliases.includes(alias)) version.aliases.push(alias);
	}
	version.updateTime = now;
	version.etag = newEtag();
	return ctx.store.modelJson(model, version);
}
