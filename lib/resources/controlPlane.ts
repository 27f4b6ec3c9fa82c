/** What every control-plane call needs: who sends, where to, and for which project and location. */
import type { OperationsContext } from '../operations';
import { scopedApiUrl, type ResourceScope } from '../names';

export interface ControlPlane extends OperationsContext, ResourceScope {
	location: string;
}

/**
 * `{base}/v1/{resource path}`, the path under the client's location and checked as every built URL is (see
 * scopedApiUrl). `field` names the input the path was built from, for the error.
 */
export function apiUrl(controlPlane: ControlPlane, resourcePath: string, field = 'name'): string {
	return scopedApiUrl(controlPlane.baseUrl, resourcePath, field, controlPlane.location);
}
