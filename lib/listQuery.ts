/** One page of a list call (pageSize / pageToken / filter), checked, as query parameters. */
import { fieldRef, messageParts, VertexValidationError } from './errors';
import type { CallOptions } from './http';

/** One page of a list call: the query, and the call's signal. */
export interface ListOptions extends CallOptions {
	pageSize?: number;
	pageToken?: string;
	filter?: string;
}

const PAGE_SIZE_RULE = 'a whole number between 1 and 1000';

export function listQuery(options: ListOptions): Record<string, string | number | undefined> {
	const { pageSize, pageToken, filter } = options;
	if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)) {
		throw new VertexValidationError(messageParts`${fieldRef('pageSize')} must be ${PAGE_SIZE_RULE}.`, 'pageSize', { rule: PAGE_SIZE_RULE });
	}
	return { pageSize, pageToken: pageToken?.trim() || undefined, filter: filter?.trim() || undefined };
}
