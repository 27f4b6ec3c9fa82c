/** pageSize / pageToken / filter, checked, as query parameters. */
import { VertexValidationError } from '../errors';
import type { ListOptions } from './controlPlane';

export function listQuery(options: ListOptions): Record<string, string | number | undefined> {
	const { pageSize, pageToken, filter } = options;
	if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)) {
		throw new VertexValidationError('pageSize must be a whole number between 1 and 1000.', 'pageSize');
	}
	return { pageSize, pageToken: pageToken?.trim() || undefined, filter: filter?.trim() || undefined };
}
