/** What every control-plane call needs: who sends, where to, and for which project and location. */
import type { z } from 'zod/v4';

import { DEFAULT_API_VERSION, type ApiVersion } from '../apiVersion';
import type { CallOptions } from '../http';
import type { OperationsContext } from '../operations';
import { scopedApiUrl, type ResourceScope } from '../names';
import { sendJson, withQuery } from '../transport/json';

export interface ControlPlane extends OperationsContext, ResourceScope {
	location: string;
}

/**
 * The same control plane in `apiVersion`: every call made with it, and every wait for an operation it started, uses
 * that version. The caller chooses it explicitly (the preview API is never switched to silently).
 */
export function inApiVersion(controlPlane: ControlPlane, apiVersion: ApiVersion): ControlPlane {
	return (controlPlane.apiVersion ?? DEFAULT_API_VERSION) === apiVersion ? controlPlane : { ...controlPlane, apiVersion };
}

/**
 * `{base}/{apiVersion}/{resource path}`, the path under the client's location and checked as every built URL is (see
 * scopedApiUrl). `field` names the input the path was built from, for the error.
 */
export function apiUrl(controlPlane: ControlPlane, resourcePath: string, field = 'name'): string {
	return scopedApiUrl(controlPlane.baseUrl, resourcePath, field, controlPlane.location, controlPlane.apiVersion);
}

/**
 * PATCHes the fields in `body` of the resource `name` (`field` names it for errors), with an update mask naming
 * exactly those fields (each replaced whole); the answer is the resource after the change, checked by `schema`.
 */
export async function patchFields<S extends z.ZodType>(
	controlPlane: ControlPlane,
	name: string,
	field: string,
	body: Record<string, unknown>,
	schema: S,
	options: CallOptions = {},
): Promise<z.output<S>> {
	const url = withQuery(apiUrl(controlPlane, name, field), { updateMask: Object.keys(body).join(',') });
	return sendJson(controlPlane.sender, { method: 'PATCH', url, body, signal: options.signal, retry: false }, schema, field);
}
