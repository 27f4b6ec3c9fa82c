/** One page of a list call (pageSize / pageToken / filter), checked, as query parameters. */
import { VertexValidationError } from '../errors';
import type { CallOptions } from '../http';

/** One page of a list call: the query, and the call's signal. */
export interface ListOptions extends CallOptions {
	pageSize?: number;
	pageToken?: string;
	filter?: string;
}

export function listQuery(options: ListOptions): Record<string, string | number | undefined> {
	const { pageSize, pageToken, filter } = options;
	if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)) {
		throw new VertexValidationError('pageSize must be a whole number between 1 and 1000.', 'pageSize');
	}
	return { pageSize, pageToken: pageToken?.trim() || undefined, filter: filter?.trim() || undefined };
}
