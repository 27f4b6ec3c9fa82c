/**
 * google.api.http path templates, compiled once and matched against requests: which method a
 * request calls, and the fields its path binds (`{name=projects/*\/locations/*\/models/*}` -> name).
 * Grammar (google/api/http.proto): segments of literals, `*` (one segment), `**` (any number, also
 * none), `{field.path=segments}` or `{field}` (= `*`), and an optional `:verb` at the end.
 */
import type { Binding } from './contract';

export interface CompiledBinding {
	/** The method's full name, e.g. google.cloud.aiplatform.v1.ModelService.GetModel. */
	method: string;
	binding: Binding;
	regex: RegExp;
	/** Capture group i+1 binds fields[i] (a proto field path, or UNBOUND_REST). */
	fields: string[];
}

export interface RouteMatch {
	method: string;
	binding: Binding;
	/** Each bound field path (e.g. `name`, `endpoint.name`) with its percent-decoded value. */
	vars: Record<string, string>;
}

/** The field an unbound trailing `**` is captured under (invoke's container path), left percent-encoded. */
export const UNBOUND_REST = '**';

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Splits at '/' outside braces. */
function topLevelSegments(path: string): string[] {
	const segments: string[] = [];
	let depth = 0;
	let current = '';
	for (const ch of path) {
		if (ch === '{') depth++;
		if (ch === '}') depth--;
		if (ch === '/' && depth === 0) {
			segments.push(current);
			current = '';
		} else current += ch;
	}
	segments.push(current);
	return segments;
}

/** One segment of a pattern; a final `*` with no verb after it holds no ':' (so `m:listVersions` is not a name). */
function segmentRegex(segment: string, final: boolean): string {
	if (segment === '**') return '.+';
	if (segment === '*') return final ? '[^/:]+' : '[^/]+';
	return escape(segment);
}

export function compileBinding(method: string, binding: Binding): CompiledBinding {
	const segments = topLevelSegments(binding.path.replace(/^\//, ''));
	let verb = '';
	const last = segments[segments.length - 1] as string;
	const colon = last.lastIndexOf(':');
	if (colon >= 0 && last.indexOf('}', colon) < 0) {
		verb = last.slice(colon);
		segments[segments.length - 1] = last.slice(0, colon);
	}
	const fields: string[] = [];
	const parts = segments.map((segment, i) => {
		const final = i === segments.length - 1 && verb === '';
		const variable = /^\{([^=}]+)(?:=(.*))?\}$/.exec(segment);
		if (variable) {
			fields.push(variable[1] as string);
			const pattern = (variable[2] ?? '*').split('/');
			return `/(${pattern.map((part, j) => segmentRegex(part, final && j === pattern.length - 1)).join('/')})`;
		}
		if (segment === '**' && final) {
			// A trailing `**` matches any rest of the path, also none at all.
			fields.push(UNBOUND_REST);
			return '(?:/(.*))?';
		}
		return `/${segmentRegex(segment, final)}`;
	});
	return { method, binding, regex: new RegExp(`^${parts.join('')}${escape(verb)}$`), fields };
}

/** Every binding of a set of methods, tried in order: templates with a verb first, then the longest. */
export class RouteTable {
	private readonly byMethod = new Map<string, CompiledBinding[]>();

	constructor(entries: Array<{ method: string; bindings: Binding[] }>) {
		for (const { method, bindings } of entries) {
			for (const binding of bindings) {
				const compiled = compileBinding(method, binding);
				const list = this.byMethod.get(binding.method) ?? [];
				list.push(compiled);
				this.byMethod.set(binding.method, list);
			}
		}
		const weight = (c: CompiledBinding): number => (c.binding.path.includes('}:') || /:[A-Za-z]+$/.test(c.binding.path) ? 1e6 : 0) + c.binding.path.length;
		for (const list of this.byMethod.values()) list.sort((a, b) => weight(b) - weight(a));
	}

	/** The binding a request matches; `*` as a binding's method matches any HTTP method. */
	match(httpMethod: string, rawPath: string): RouteMatch | undefined {
		for (const list of [this.byMethod.get(httpMethod) ?? [], this.byMethod.get('*') ?? []]) {
			for (const compiled of list) {
				const found = compiled.regex.exec(rawPath);
				if (!found) continue;
				const vars: Record<string, string> = {};
				compiled.fields.forEach((field, i) => {
					const value = found[i + 1];
					if (value === undefined) return;
					vars[field] = field === UNBOUND_REST ? value : safeDecode(value);
				});
				return { method: compiled.method, binding: compiled.binding, vars };
			}
		}
		return undefined;
	}
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}
