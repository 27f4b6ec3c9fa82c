/** Update masks: the comma-separated paths of a request's `updateMask`, each in snake_case or lowerCamel. */
import { fieldViolations } from './googleErrors';

/**
 * The fields an update mask names (from the query, or the body when the binding's body is `*`), each
 * mapped by `allowed` (path in either spelling -> the field it sets). No mask, or a path not allowed, is
 * INVALID_ARGUMENT naming the paths that are.
 */
export function maskedFields<F extends string>(mask: unknown, allowed: Record<string, F>, field = 'update_mask'): Set<F> {
	const paths = (typeof mask === 'string' ? mask : '')
		.split(',')
		.map((path) => path.trim())
		.filter((path) => path !== '');
	if (paths.length === 0) throw fieldViolations([{ field, description: 'Required field is not set.' }]);
	const unknown = paths.filter((path) => !Object.hasOwn(allowed, path));
	if (unknown.length > 0) {
		const names = [...new Set(Object.keys(allowed).filter((path) => !/[A-Z]/.test(path)))].join(', ');
		throw fieldViolations(unknown.map((path) => ({ field, description: `Unsupported update_mask path "${path}": ${names} can be updated.` })));
	}
	return new Set(paths.map((path) => allowed[path] as F));
}
