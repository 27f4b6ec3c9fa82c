/**
 * Resource names: from a bare id or a full name, checked against Vertex's id grammar (lib/rules/ids.ts) and
 * the client's project and location; the endpoint name pattern invoke uses; and the one builder of
 * control-plane URLs, whose result is checked once more (lib/hosts.ts assertRequestUrl).
 *
 * Every segment of a name must match its grammar: a project id or number, a location, a model or endpoint id, a
 * version id or alias, an operation number. So no name can hold a dot segment (raw or percent-encoded), a "?" or
 * "#", a backslash, an encoded slash or anything else that would send the request somewhere else.
 */
import { fieldRef, messageParts, VertexValidationError } from './errors';
import { DEFAULT_API_VERSION, type ApiVersion } from './apiVersion';
import { assertRequestUrl } from './hosts';
import { LOCATION, MODEL_VERSION, PROJECT, RESOURCE_ID } from './rules/ids';
import { quoteForMessage } from './secrets';

export interface ResourceScope {
	projectId: string;
	location: string;
}

export type ResourceCollection = 'models' | 'endpoints' | 'deploymentResourcePools';

/** `projects/{project}/locations/{location}/` at the start of a name: the scope every request path starts with. */
const SCOPE_PREFIX = new RegExp(`^projects/(${PROJECT.source})/locations/(${LOCATION.source})/`);
const FULL_NAME = new RegExp(
	`^projects/(${PROJECT.source})/locations/(${LOCATION.source})/(models|endpoints|deploymentResourcePools)/(${RESOURCE_ID.source})(?:@(${MODEL_VERSION.source}))?$`,
);
/** A name that starts like a full name, whatever follows (to tell "wrong kind" from "not a name"). */
const NAME_SHAPE = /^projects\/[^/]*\/locations\/[^/]*\/([^/]*)\//;

/** `projects/{p}/locations/{l}/endpoints/{id}`, as invoke needs it: the project and location captured. */
export const ENDPOINT_NAME_PATTERN = new RegExp(`^projects/(${PROJECT.source})/locations/(${LOCATION.source})/endpoints/${RESOURCE_ID.source}$`);

export function parentName(scope: ResourceScope): string {
	return `projects/${scope.projectId}/locations/${scope.location}`;
}

/** The words for one resource of a collection, as messages say it. */
const KIND_OF: Record<ResourceCollection, string> = {
	models: 'model',
	endpoints: 'endpoint',
	deploymentResourcePools: 'deployment resource pool',
};

function kindOf(collection: ResourceCollection): string {
	return KIND_OF[collection];
}

/** A kind of resource with its indefinite article: "an endpoint", "a model". */
function aKind(kind: string): string {
	return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** What names a resource: its id, or its full resource name. */
function idRule(kind: string, collection: ResourceCollection): string {
	const example = collection === 'deploymentResourcePools' ? 'my-pool' : `my-${kind}`;
	return `the id (e.g. "${example}" or a number) or projects/{project}/locations/{location}/${collection}/{id}`;
}

function assertId(id: string, collection: ResourceCollection, field: string, allowVersion: boolean): void {
	const [bare, version, ...extra] = id.split('@');
	const kind = kindOf(collection);
	if (!RESOURCE_ID.pattern.test(bare) || extra.length > 0) {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} ${quoteForMessage(id)} is not ${aKind(kind)} id or resource name: give ${idRule(kind, collection)}.`,
			field,
			{ rule: idRule(kind, collection) },
		);
	}
	if (version !== undefined && (!allowVersion || !MODEL_VERSION.pattern.test(version))) {
		throw new VertexValidationError(
			allowVersion
				? messageParts`${fieldRef(field)} ${quoteForMessage(id)} has an invalid version after "@": use a version id (e.g. 2) or alias.`
				: messageParts`${fieldRef(field)} ${quoteForMessage(id)} cannot carry a version ("@...") here.`,
			field,
		);
	}
}

/**
 * `projects/{p}/locations/{l}/{collection}/{id}` for a bare id (in the client's project and location) or
 * a full name (kept verbatim, its location must be the client's: the host serves one location).
 */
export function resourceName(
	collection: ResourceCollection,
	idOrName: string,
	scope: ResourceScope,
	options: { field?: string; allowVersion?: boolean } = {},
): string {
	const field = options.field ?? kindOf(collection);
	const value = typeof idOrName === 'string' ? idOrName.trim() : '';
	if (!value) throw new VertexValidationError(messageParts`${fieldRef(field)} is required.`, field);
	if (!value.startsWith('projects/')) {
		assertId(value, collection, field, options.allowVersion === true);
		return `${parentName(scope)}/${collection}/${value}`;
	}
	const match = FULL_NAME.exec(value);
	if (!match || match[3] !== collection) {
		const shape = NAME_SHAPE.exec(value);
		const problem =
			shape && shape[1] !== collection && Object.hasOwn(KIND_OF, shape[1])
				? `is ${aKind(KIND_OF[shape[1] as ResourceCollection])} name, not ${aKind(kindOf(collection))} name`
				: `is not ${aKind(kindOf(collection))} resource name (each part must be a valid project, location and id)`;
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} ${quoteForMessage(value)} ${problem}: expected projects/{project}/locations/{location}/${collection}/{id}.`,
			field,
		);
	}
	const [, , location, , , version] = match;
	if (location !== scope.location) {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} ${quoteForMessage(value)} is in location "${location}" but the client is set to "${scope.location}": use a credential/client for ${location}.`,
			field,
		);
	}
	if (version !== undefined && options.allowVersion !== true) {
		throw new VertexValidationError(messageParts`${fieldRef(field)} ${quoteForMessage(value)} cannot carry a version ("@...") here.`, field);
	}
	return value;
}

/**
 * `projects/{p}/locations/{l}/deploymentResourcePools/{id}` for a pool id or full name (already checked against
 * DEPLOYMENT_RESOURCE_POOL); a full name must be in the client's location, whose machines it pools.
 */
export function deploymentResourcePoolName(idOrName: string, scope: ResourceScope, field = 'sharedResources'): string {
	if (!idOrName.startsWith('projects/')) return `${parentName(scope)}/deploymentResourcePools/${idOrName}`;
	const location = SCOPE_PREFIX.exec(idOrName)?.[2];
	if (location !== scope.location) {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} ${quoteForMessage(idOrName)} is in location "${location ?? '?'}" but the client is set to "${scope.location}": a deployment resource pool serves its own location only.`,
			field,
		);
	}
	return idOrName;
}

/** A customer-managed key must be in the resource's own location (Vertex AI refuses a key elsewhere). */
export function assertKeyInLocation(kmsKeyName: string | undefined, scope: ResourceScope, field: string): void {
	if (kmsKeyName === undefined) return;
	const location = /^projects\/[^/]+\/locations\/([^/]+)\//.exec(kmsKeyName)?.[1];
	if (location !== scope.location) {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} ${quoteForMessage(kmsKeyName)} is a key in "${location ?? '?'}": the key must be in the resource's location, "${scope.location}".`,
			field,
		);
	}
}

/**
 * `model@version` for a version given apart from its model (deleting one version): the model must not name a
 * version itself, and the version is a version id or alias. Refused naming `model` or `version`.
 */
export function modelAtVersion(model: string, version: string): string {
	const bare = typeof model === 'string' ? model.trim() : '';
	if (bare.includes('@')) {
		throw new VertexValidationError(
			messageParts`${fieldRef('model')} must name the model without a version (got ${quoteForMessage(bare)}): put the version in ${fieldRef('version')}.`,
			'model',
		);
	}
	const given = typeof version === 'string' ? version.trim() : '';
	if (!given) throw new VertexValidationError(messageParts`${fieldRef('version')} is required.`, 'version');
	if (!MODEL_VERSION.pattern.test(given)) {
		throw new VertexValidationError(messageParts`${fieldRef('version')} ${quoteForMessage(given)} is not valid: use ${MODEL_VERSION.rule}.`, 'version', {
			rule: MODEL_VERSION.rule,
		});
	}
	return `${bare}@${given}`;
}

/** The last segment of a resource name (the id), version suffix dropped. */
export function resourceId(name: string): string {
	return (name.split('/').pop() ?? name).split('@')[0];
}

/**
 * `{baseUrl}/{apiVersion}/{resourcePath}` (apiVersion default v1) for a path that starts with `projects/{p}/locations/{l}/` (in `location`, when
 * given), checked by assertRequestUrl: the URL must start with `{baseUrl}/v1/projects/{p}/locations/{l}/` and stay
 * exactly as built once parsed (no dot segment removed, nothing re-encoded, no query or fragment). Every
 * control-plane and operation URL is built here. Throws VertexValidationError naming `field`.
 */
export function scopedApiUrl(
	baseUrl: string,
	resourcePath: string,
	field: string,
	location?: string,
	apiVersion: ApiVersion = DEFAULT_API_VERSION,
): string {
	const scope = SCOPE_PREFIX.exec(resourcePath);
	if (!scope) {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} ${quoteForMessage(resourcePath)} is not under projects/{project}/locations/{location}/.`,
			field,
		);
	}
	if (location !== undefined && scope[2] !== location) {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} ${quoteForMessage(resourcePath)} is in location "${scope[2]}" but the client is set to "${location}": use a credential/client for ${scope[2]}.`,
			field,
		);
	}
	return assertRequestUrl(`${baseUrl}/${apiVersion}/${resourcePath}`, `${baseUrl}/${apiVersion}/${scope[0]}`, field);
}
