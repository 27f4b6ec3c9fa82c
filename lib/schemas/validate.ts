/** Runs zod schemas: input failures become VertexValidationError (with the field path), response
 *  failures VertexApiError (the server answered something the client cannot use). */
import { z } from 'zod/v4';

import { fieldRef, renderMessage, VertexApiError, VertexValidationError, type MessagePart } from '../errors';

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

/**
 * An issue as message parts naming its field as data. The schemas' own messages start with the field's key
 * (`acceleratorCount must be...`, the convention of lib/schemas): that key becomes a reference to the field's path.
 */
function describeIssue(issue: Issue, root: string): { field: string; message: MessagePart[]; rule?: string } {
	const described = describeIssueText(issue, root);
	const rule = issue.code === 'custom' ? (issue.params as { rule?: unknown } | undefined)?.rule : undefined;
	return typeof rule === 'string' ? { ...described, rule } : described;
}

function describeIssueText(issue: Issue, root: string): { field: string; message: MessagePart[] } {
	if (issue.code === 'unrecognized_keys') {
		const field = fieldPath([...issue.path, issue.keys[0]], root);
		const where = fieldPath(issue.path, root);
		return { field, message: [fieldRef(field), ' is not a known field', ...(where ? [' of ', fieldRef(where)] : []), ' (check the spelling).'] };
	}
	const field = fieldPath(issue.path, root) || root || 'input';
	if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
		return { field, message: [fieldRef(field), ' is required.'] };
	}
	if (issue.message.startsWith('Invalid')) return { field, message: [fieldRef(field), `: ${issue.message}.`] };
	const siblings = issue.code === 'custom' ? (issue.params as { parts?: unknown } | undefined)?.parts : undefined;
	if (Array.isArray(siblings)) {
		const parent = issue.path.slice(0, -1);
		const message = (siblings as MessagePart[]).map((part) =>
			typeof part !== 'string' && 'field' in part ? fieldRef(fieldPath([...parent, part.field], root), part.as ?? part.field) : part,
		);
		return { field, message };
	}
	const key = issue.path.at(-1);
	if (typeof key === 'string' && issue.message.startsWith(`${key} `)) {
		return { field, message: [fieldRef(field, key), issue.message.slice(key.length)] };
	}
	return { field, message: [issue.message] };
}

/**
 * A custom issue's message whose field references (`fieldRef('acceleratorType')`) name keys next to the issue's
 * own field: `ctx.addIssue({ code: 'custom', path: [key], ...siblingsMessage(parts) })`. parseInput turns them into
 * references to the full field paths; the text keeps the keys.
 */
export function siblingsMessage(parts: MessagePart[], rule?: string): { message: string; params: { parts: MessagePart[]; rule?: string } } {
	return { message: renderMessage(parts), params: rule === undefined ? { parts } : { parts, rule } };
}

/**
 * A custom issue's rule (what is allowed, see VertexValidationError.rule) as data:
 * `ctx.addIssue({ code: 'custom', message, ...withRule(rule) })`. parseInput hands it on.
 */
export function withRule(rule: string): { params: { rule: string } } {
	return { params: { rule } };
}

/**
 * Text that must match `rule.pattern` (an id rule of lib/rules/ids.ts), refused with `message(value)` and the rule
 * as data. A custom issue, because zod keeps no data of a regex check's own in the issue.
 */
export function textMatching(rule: { pattern: RegExp; rule: string }, message: (value: string) => string) {
	return z.string().check((ctx) => {
		if (!rule.pattern.test(ctx.value)) ctx.issues.push({ code: 'custom', input: ctx.value, message: message(ctx.value), ...withRule(rule.rule) });
	});
}

/** Parses caller input; throws a VertexValidationError naming the first bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = ''): z.output<S> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const [first, ...rest] = result.error.issues.map((issue) => describeIssue(issue, root));
	const more: MessagePart[] = rest.length ? [' Also: ', ...rest.flatMap((issue, index) => (index ? [' ', ...issue.message] : issue.message))] : [];
	throw new VertexValidationError([...first.message, ...more], first.field, { rule: first.rule });
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
