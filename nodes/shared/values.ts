import type { IDataObject } from 'n8n-workflow';

/** Small converters from n8n parameter shapes to plain values. */

/** A multiple-values string parameter to a list without empty entries. */
export function stringList(value: unknown): string[] {
	return (Array.isArray(value) ? value : [value])
		.filter((entry): entry is string | number => typeof entry === 'string' || typeof entry === 'number')
		.map(String)
		.filter((entry) => entry !== '');
}

/** A comma-separated string parameter to its trimmed, non-empty entries. */
export function commaList(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean);
}

/** A fixedCollection of name/value rows (`{ [group]: [{ name|key, value }] }`) to pairs, skipping blank names. */
export function keyValuePairs(collection: unknown, group: string): Array<[string, string]> {
	const rows = ((collection as IDataObject | undefined)?.[group] ?? []) as IDataObject[];
	return rows
		.map((row): [string, string] => [String(row.name ?? row.key ?? '').trim(), String(row.value ?? '')])
		.filter(([name]) => name !== '');
}

/** The Labels option to Vertex's `labels` map, or undefined when empty. */
export function labelsFrom(collection: unknown): Record<string, string> | undefined {
	const pairs = keyValuePairs(collection, 'label');
	return pairs.length ? Object.fromEntries(pairs) : undefined;
}
