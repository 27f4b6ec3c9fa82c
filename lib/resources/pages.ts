/** Following `nextPageToken` through a list call, up to an optional limit. */
import { fieldRef, messageParts, VertexValidationError } from '../errors';

export interface Page<Entry> {
	entries: Entry[];
	nextPageToken?: string;
}

/**
 * Reads pages until there are no more or `limit` entries are in; returns at most `limit` entries.
 * `readPage` gets the page token (undefined first) and the page size to ask for. A limit that is not a whole
 * number of at least 1 (or Infinity, for every entry) is refused before the first page is asked for.
 */
export async function collectPages<Entry>(
	readPage: (pageToken: string | undefined, pageSize: number) => Promise<Page<Entry>>,
	limit = Infinity,
	maxPageSize = 100,
): Promise<Entry[]> {
	if (limit !== Infinity && !(Number.isInteger(limit) && limit >= 1)) {
		throw new VertexValidationError(messageParts`${fieldRef('limit')} must be a whole number of at least 1 (got ${String(limit)}).`, 'limit');
	}
	const entries: Entry[] = [];
	let pageToken: string | undefined;
	do {
		const page = await readPage(pageToken, Math.max(1, Math.min(maxPageSize, limit - entries.length)));
		entries.push(...page.entries);
		pageToken = page.nextPageToken;
	} while (pageToken && entries.length < limit);
	return entries.slice(0, limit);
}
