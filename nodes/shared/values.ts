import { shown, type ParameterReader, type TextRule } from './read';

/** Small converters from n8n parameter shapes to plain values. */

/** A comma-separated string to its trimmed, non-empty entries. */
export function commaList(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean);
}

/**
 * A map without a prototype: names such as "constructor" or "__proto__" are ordinary keys in it, never
 * Object.prototype's members (which `name in {}` and `{}[name] = x` would reach).
 */
export function nameValueMap(pairs: Iterable<[string, string]>): Record<string, string> {
	const map = Object.create(null) as Record<string, string>;
	for (const [name, value] of pairs) map[name] = value;
	return map;
}

export interface PairRules {
	/** The row field holding the name (`name`, `key`). */
	nameField: string;
	name?: TextRule;
	value?: TextRule;
	/** Names that differ only in case count as the same (HTTP headers). */
	ignoreCase?: boolean;
}

/**
 * The rows of a fixedCollection group (`headers.header`) as name/value pairs, every name and value checked
 * naming its field; rows with a blank name are skipped, a name given twice is refused.
 */
export function keyValuePairs(read: ParameterReader, itemIndex: number, path: string, rules: PairRules): Array<[string, string]> {
	const pairs: Array<[string, string]> = [];
	const seen = new Set<string>();
	for (const row of read.rows(itemIndex, path)) {
		const name = read.checkText(itemIndex, `${path}.${rules.nameField}`, row[rules.nameField], rules.name);
		const value = read.checkText(itemIndex, `${path}.value`, row.value, { trim: false, ...rules.value });
		if (name === '') continue;
		const key = rules.ignoreCase ? name.toLowerCase() : name;
		if (seen.has(key)) {
			throw read.error(itemIndex, `${path}.${rules.nameField}`, `${read.where(`${path}.${rules.nameField}`)} ${shown(name)} is given twice${rules.ignoreCase ? ' (names ignore case)' : ''}.`);
		}
		seen.add(key);
		pairs.push([name, value]);
	}
	return pairs;
}
