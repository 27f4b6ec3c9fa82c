import { HEADER_NAME_PATTERN, HEADER_NAME_RULE, invokeHeaderProblem } from '../../lib';
import type { ParameterReader } from './read';
import { keyValuePairs, nameValueMap } from './values';

/**
 * The Invoke node's "Headers" rows of an item as a map (null prototype) of name to value. The rules (which names are
 * refused and why, what a name and a value may hold) are the core's invoke policy (lib/invoke/policy.ts); this
 * only maps rows to the map and names the row's field in each error. Values are never quoted.
 */
export function requestHeaders(read: ParameterReader, itemIndex: number, path = 'headers.header'): Record<string, string> {
	const pairs = keyValuePairs(read, itemIndex, path, {
		nameField: 'name',
		name: { pattern: HEADER_NAME_PATTERN, rule: `a header name: ${HEADER_NAME_RULE}` },
		ignoreCase: true,
	});
	for (const [name, value] of pairs) {
		const problem = invokeHeaderProblem(name, value);
		if (problem) throw read.error(itemIndex, `${path}.${problem.part}`, problem.message);
	}
	return nameValueMap(pairs);
}
