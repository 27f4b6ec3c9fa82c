/** What every control-plane call needs: who sends, where to, and for which project and location. */
import { DEFAULT_API_VERSION, type ApiVersion } from '../apiVersion';
import type { OperationsContext } from '../operations';
import { scopedApiUrl, type ResourceScope } from '../names';

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
