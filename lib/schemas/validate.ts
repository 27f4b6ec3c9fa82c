/** Runs zod schemas: input failures become VertexValidationError (with the field path), response
 *  failures VertexApiError (the server answered something the client cannot use). */
import type { z } from 'zod/v4';

import { VertexApiError, VertexValidationError } from '../errors';

type Issue = z.core.$ZodIssue;

/** `model.containerSpec.env[0].name` from ['model', 'containerSpec', 'env', 0, 'name'], under `root`. */
export function fieldPath(path: readonly PropertyKey[], root = ''): string {
	let result = root;
	for (const key of path) {
		if (typeof key === 'number') result += `[${key}]`;
		else result += result ? `.${String(key)}` : String(key);
	}
	return result;
}

function describeIssue(issue: Issue, root: string): { field: string; message: string } {
	if (issue.code === 'unrecognized_keys') {
		const field = fieldPath([...issue.path, issue.keys[0]], root);
		const where = fieldPath(issue.path, root);
		return { field, message: `${field} is not a known field${where ? ` of ${where}` : ''} (check the spelling).` };
	}
	const field = fieldPath(issue.path, root) || root || 'input';
	if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
		return { field, message: `${field} is required.` };
	}
	const message = issue.message.startsWith('Invalid') ? `${field}: ${issue.message}.` : issue.message;
	return { field, message };
}

/** Parses caller input; throws a VertexValidationError naming the first bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = ''): z.output<S> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const [first, ...rest] = result.error.issues.map((issue) => describeIssue(issue, root));
	const more = rest.length ? ` Also: ${rest.map((issue) => issue.message).join(' ')}` : '';
	throw new VertexValidationError(`${first.message}${more}`, first.field);
}

/** Parses a server answer with a tolerant schema; a mismatch means the answer is unusable. */
export function parseResponse<S extends z.ZodType>(schema: S, value: unknown, what: string, httpStatus = 200): z.output<S> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const issue = result.error.issues[0];
	throw new VertexApiError(
		`Vertex AI returned an unexpected ${what}: ${fieldPath(issue.path) || 'body'}: ${issue.message}.`,
		httpStatus,
		undefined,
	);
}
