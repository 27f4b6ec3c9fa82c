/** What every control-plane call needs: who sends, where to, and for which project and location. */
import type { OperationsContext } from '../operations';
import type { ResourceScope } from './names';

export interface ControlPlane extends OperationsContext, ResourceScope {}

/** `{base}/v1/{resource path}`. */
export function apiUrl(controlPlane: ControlPlane, resourcePath: string): string {
	return `${controlPlane.baseUrl}/v1/${resourcePath}`;
}

export interface ListOptions {
	pageSize?: number;
	pageToken?: string;
	filter?: string;
}
