/**
 * One definition per rule: Vertex's id grammar (lib/rules/ids.ts) and the invoke policy's patterns
 * (lib/invoke/policy.ts) are written once, in the core. A node or credential file that types one of them again as a
 * regular expression (a literal, or the text given to `new RegExp`) fails here: it must import the core's rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import ts from 'typescript';

import * as policy from '../../../lib/invoke/policy';
import * as ids from '../../../lib/rules/ids';

const ROOT = join(__dirname, '..', '..', '..');

/** `(?:x)` and `(x)` read alike here; anchors and the outer group of an id rule's source are dropped. */
function normalized(source: string): string {
	let text = source.replace(/\(\?:/g, '(');
	if (text.startsWith('^')) text = text.slice(1);
	if (text.endsWith('$') && !text.endsWith('\\$')) text = text.slice(0, -1);
	while (text.startsWith('(') && text.endsWith(')') && balancedInside(text)) text = text.slice(1, -1);
	return text;
}

/** Whether the parenthesis opening `text` closes at its very end. */
function balancedInside(text: string): boolean {
	let depth = 0;
	for (let i = 0; i < text.length; i++) {
		if (text[i] === '\\') i++;
		else if (text[i] === '(') depth++;
		else if (text[i] === ')' && --depth === 0 && i < text.length - 1) return false;
	}
	return depth === 0;
}

/** The core's patterns, long enough to be a rule rather than a character class anyone may write. */
function corePatterns(): Map<string, string> {
	const owners = new Map<string, string>();
	// The first name a pattern is exported under owns it (DEPLOYED_MODEL_NUMBER and PROJECT_NUMBER share theirs).
	const patterns = { set: (pattern: string, owner: string) => void (owners.has(pattern) || owners.set(pattern, owner)) };
	for (const [name, value] of Object.entries(ids)) {
		if (value && typeof value === 'object' && 'source' in value && typeof value.source === 'string') patterns.set(normalized(value.source), `ids.${name}`);
	}
	for (const [name, value] of Object.entries(policy)) {
		if (value instanceof RegExp) patterns.set(normalized(value.source), `policy.${name}`);
		else if (typeof value === 'string' && /[[\]()]/.test(value)) patterns.set(normalized(value), `policy.${name}`);
	}
	for (const refusal of policy.INVOKE_PATH_REFUSALS) patterns.set(normalized(refusal.pattern), 'policy.INVOKE_PATH_REFUSALS');
	for (const key of [...owners.keys()]) if (key.length < 8) owners.delete(key);
	return owners;
}

function typeScriptFiles(folder: string): string[] {
	return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
		const path = join(folder, entry.name);
		if (entry.isDirectory()) return typeScriptFiles(path);
		return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
	});
}

/** Every regular expression a file writes: its literals, and the literal text given to `new RegExp` / `RegExp`. */
export function regexSourcesIn(fileName: string, text: string): string[] {
	const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
	const sources: string[] = [];
	const visit = (node: ts.Node): void => {
		if (ts.isRegularExpressionLiteral(node)) sources.push(node.text.slice(1, node.text.lastIndexOf('/')));
		if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
			const first = node.arguments?.[0];
			if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) sources.push(first.text);
			if (first && ts.isTemplateExpression(first)) sources.push(first.head.text, ...first.templateSpans.map((span) => span.literal.text));
		}
		ts.forEachChild(node, visit);
	};
	visit(file);
	return sources;
}

/** The core patterns a regular expression source re-types (contains, once normalised). */
function retyped(source: string, core: Map<string, string>): string[] {
	const text = normalized(source);
	return [...core].filter(([pattern]) => text.includes(pattern)).map(([, owner]) => owner);
}

describe('one owner for every pattern', () => {
	const core = corePatterns();

	it('knows the core patterns it guards', () => {
		expect(core.size).toBeGreaterThan(20);
		expect([...core.values()]).toEqual(expect.arrayContaining(['ids.MACHINE_TYPE', 'ids.PROJECT_ID', 'policy.HTTP_TOKEN', 'policy.INVOKE_PATH_REFUSALS']));
	});

	it('finds a re-typed rule in a literal and in new RegExp text', () => {
		const copy = `const A = /^${ids.MACHINE_TYPE.source}$/;\nconst B = new RegExp('^(?:${policy.HTTP_TOKEN.replace(/'/g, "\\'")})$');`;
		expect(regexSourcesIn('copy.ts', copy).flatMap((source) => retyped(source, core))).toEqual(['ids.MACHINE_TYPE', 'policy.HTTP_TOKEN']);
		expect(retyped('[a-z0-9]+(-[a-z0-9]+)+', core)).toEqual(['ids.MACHINE_TYPE']);
	});

	it('no other file in lib/, nodes/, credentials/ or node-red/src/ re-types a pattern of lib/rules/ids.ts or lib/invoke/policy.ts', () => {
		const owners = new Set([join(ROOT, 'lib', 'rules', 'ids.ts'), join(ROOT, 'lib', 'invoke', 'policy.ts')]);
		const copies = ['lib', 'nodes', 'credentials', join('node-red', 'src')].flatMap((folder) =>
			typeScriptFiles(join(ROOT, folder)).filter((path) => !owners.has(path)).flatMap((path) =>
				regexSourcesIn(path, readFileSync(path, 'utf8')).flatMap((source) =>
					retyped(source, core).map((owner) => `${relative(ROOT, path)}: /${source}/ re-types ${owner}`),
				),
			),
		);
		expect(copies).toEqual([]);
	});
});
