/** Resource names from a bare id or a full name, checked against the client's project and location. */
import { VertexValidationError } from '../errors';
import { RESOURCE_ID_PATTERN } from '../schemas/common';

export interface ResourceScope {
	projectId: string;
	location: string;
}

export type ResourceCollection = 'models' | 'endpoints';

const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const FULL_NAME_PATTERN = /^projects\/([^/]+)\/locations\/([^/]+)\/([a-zA-Z]+)\/([^/]+)$/;

export function parentName(scope: ResourceScope): string {
	return `projects/${scope.projectId}/locations/${scope.location}`;
}

function assertId(id: string, collection: ResourceCollection, field: string, allowVersion: boolean): void {
	const [bare, version, ...extra] = id.split('@');
	const kind = collection === 'models' ? 'model' : 'endpoint';
	if (!RESOURCE_ID_PATTERN.test(bare) || extra.length > 0) {
		throw new VertexValidationError(
			`${field} "${id}" is not a ${kind} id or resource name: give the id (e.g. "my-${kind}" or a number) or projects/{project}/locations/{location}/${collection}/{id}.`,
			field,
		);
	}
	if (version !== undefined && (!allowVersion || !VERSION_PATTERN.test(version))) {
		throw new VertexValidationError(
			allowVersion
				? `${field} "${id}" has an invalid version after "@": use a version id (e.g. 2) or alias.`
				: `${field} "${id}" cannot carry a version ("@...") here.`,
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
	const field = options.field ?? (collection === 'models' ? 'model' : 'endpoint');
	const value = typeof idOrName === 'string' ? idOrName.trim() : '';
	if (!value) throw new VertexValidationError(`${field} is required.`, field);
	if (!value.startsWith('projects/')) {
		assertId(value, collection, field, options.allowVersion === true);
		return `${parentName(scope)}/${collection}/${value}`;
	}
	const match = FULL_NAME_PATTERN.exec(value);
	if (!match || match[3] !== collection) {
		throw new VertexValidationError(
			`${field} "${value}" is not a ${collection === 'models' ? 'model' : 'endpoint'} resource name: expected projects/{project}/locations/{location}/${collection}/{id}.`,
			field,
		);
	}
	const [, , location, , id] = match;
	if (location !== scope.location) {
		throw new VertexValidationError(
			`${field} "${value}" is in location "${location}" but the client is set to "${scope.location}": use a credential/client for ${location}.`,
			field,
		);
	}
	assertId(id, collection, field, options.allowVersion === true);
	return value;
}

/** The last segment of a resource name (the id), version suffix dropped. */
export function resourceId(name: string): string {
	return (name.split('/').pop() ?? name).split('@')[0];
}
