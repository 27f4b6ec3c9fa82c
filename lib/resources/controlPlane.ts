/** What every control-plane call needs: who sends, where to, and for which project and location. */
import type { CallOptions } from '../http';
import type { OperationsContext } from '../operations';
import type { ResourceScope } from './names';

export interface ControlPlane extends OperationsContext, ResourceScope {}

/** `{base}/v1/{resource path}`. */
export function apiUrl(controlPlane: ControlPlane, resourcePath: string): string {
	return `${controlPlane.baseUrl}/v1/${resourcePath}`;
}

/** One page of a list call: the query, and the call's signal. */
export interface ListOptions extends CallOptions {
	pageSize?: number;
	pageToken?: string;
	filter?: string;
}
