/** List paging (pageSize / pageToken) and the simple `filter` expressions Vertex lists accept. */
import { ApiError } from './googleErrors';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/** List request fields the contract has but the emulator does not emulate: refused, so no answer is mistaken for one that honoured them. */
const NOT_EMULATED = ['orderBy', 'readMask'];

export function page<T>(items: T[], query: URLSearchParams): { items: T[]; nextPageToken?: string } {
	const unemulated = NOT_EMULATED.find((field) => query.has(field));
	if (unemulated) throw new ApiError('UNIMPLEMENTED', `The emulator does not emulate ${unemulated} on lists.`);
	// The query is the request's (checked against the contract): pageSize is an int32 already.
	let size = Number(query.get('pageSize') ?? 0);
	if (size < 0) throw new ApiError('INVALID_ARGUMENT', 'Invalid page_size: must be a non-negative integer.');
	size = size === 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
	const token = query.get('pageToken') ?? '';
	let offset = 0;
	if (token !== '') {
		const decoded = /^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
		if (!decoded) throw new ApiError('INVALID_ARGUMENT', 'Invalid page token.');
		offset = Number(decoded[1]);
	}
	const slice = items.slice(offset, offset + size);
	const next = offset + size < items.length ? Buffer.from(`o${offset + size}`).toString('base64url') : undefined;
	return next ? { items: slice, nextPageToken: next } : { items: slice };
}

/** A List*Response: proto3 JSON omits an empty repeated field and an empty page token, so an empty list is `{}`. */
export function listResponse<T>(field: string, result: { items: T[]; nextPageToken?: string }): Record<string, unknown> {
	const response: Record<string, unknown> = {};
	if (result.items.length > 0) response[field] = result.items;
	if (result.nextPageToken) response.nextPageToken = result.nextPageToken;
	return response;
}

/** How a filter field reads its value from a resource's JSON. */
export type FilterField = (resource: Record<string, unknown>) => unknown;

/** What model and endpoint lists filter on; `labels.KEY` is accepted besides these. */
const RESOURCE_FIELDS: Record<string, FilterField> = {
	display_name: (r) => r.displayName,
	displayName: (r) => r.displayName,
};

/**
 * `display_name="x" AND labels.team="y"` (also displayName), or `field=value` terms on the given
 * `fields`; anything else is refused rather than silently ignored, so a caller never mistakes an
 * unfiltered list for a filtered one.
 */
export function filterPredicate(
	query: URLSearchParams,
	fields: Record<string, FilterField> = RESOURCE_FIELDS,
	withLabels = true,
): (resource: Record<string, unknown>) => boolean {
	const filter = (query.get('filter') ?? '').trim();
	if (filter === '') return () => true;
	const terms = filter.split(/\s+AND\s+/i).map((term) => {
		const match = /^([A-Za-z_.]+)\s*=\s*(?:"([^"]*)"|(\S+))$/.exec(term.trim());
		if (!match) throw new ApiError('INVALID_ARGUMENT', `Unsupported filter: ${filter}`);
		const field = match[1] as string;
		const value = match[2] ?? match[3] ?? '';
		const read = Object.hasOwn(fields, field) ? fields[field] : undefined;
		if (read) {
			return (r: Record<string, unknown>) => {
				const actual = read(r);
				return actual !== undefined && String(actual) === value;
			};
		}
		if (withLabels && field.startsWith('labels.')) {
			const key = field.slice('labels.'.length);
			return (r: Record<string, unknown>) => (r.labels as Record<string, unknown> | undefined)?.[key] === value;
		}
		throw new ApiError('INVALID_ARGUMENT', `Unsupported filter field: ${field}`);
	});
	return (resource) => terms.every((term) => term(resource));
}
