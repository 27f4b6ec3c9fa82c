/**
 * The Manage node's editor (vertexAiManage.html) against what the node runs: the browser cannot import the
 * node's table of operations, so its lists are checked here to be the same. Every resource and operation can be
 * chosen, each shows exactly the rows of the fields it reads, each field has a default, and the ids and objects
 * are typed inputs (msg, flow, global, env).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MANAGE_FIELDS } from '../../node-red/src/manageFields';
import { MANAGE_RESOURCES } from '../../node-red/src/manageOperations';

const HTML = readFileSync(join(__dirname, '..', '..', 'node-red', 'src', 'vertexAiManage.html'), 'utf8');

/** The editor's tables: the variables its script declares before it registers the node. */
function editorTables(): { ROWS: Record<string, Record<string, string[]>>; OPERATIONS: Record<string, Array<[string, string]>>; TYPED: Record<string, string[]> } {
	const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(HTML)?.[1] ?? '';
	const declarations = script.slice(script.indexOf('(function () {') + '(function () {'.length, script.indexOf('RED.nodes.registerType'));
	return new Function(`${declarations}\nreturn { ROWS: ROWS, OPERATIONS: OPERATIONS, TYPED: TYPED };`)();
}

/** The node's definition as the editor registers it (defaults), with a stub of the editor's RED. */
function registered(): { defaults: Record<string, { value: unknown }> } {
	const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(HTML)?.[1] ?? '';
	let definition: unknown;
	const RED = { nodes: { registerType: (_type: string, given: unknown) => (definition = given) }, validators: { number: () => () => true } };
	new Function('RED', script)(RED);
	return definition as { defaults: Record<string, { value: unknown }> };
}

const { ROWS, OPERATIONS, TYPED } = editorTables();

/** The rows an operation's fields need: the wait pair is one row plus its timeout, the owner of a list is a choice. */
function rowsOf(resource: string, operation: string): string[] {
	const chosen = MANAGE_RESOURCES[resource][operation];
	const settings = { id: 'n', type: 'vertex-ai-manage', operationsOf: 'endpoint' };
	const fields = typeof chosen.fields === 'function' ? chosen.fields(settings) : chosen.fields;
	const rows = fields.map((name) => MANAGE_FIELDS[name].name).filter((name) => !(name === 'waitTimeout' && fields.includes('wait')));
	if (typeof chosen.fields === 'function') return ['operationsOf', ...rows.map((row) => (row === 'endpoint' ? 'owner' : row))];
	return resource === 'deploymentResourcePool' && operation === 'create' ? [...rows.slice(0, 2), 'ifExists', ...rows.slice(2)] : rows;
}

describe('the Manage editor', () => {
	it('offers every resource and operation the node runs, and no other', () => {
		expect(Object.keys(OPERATIONS).sort()).toEqual(Object.keys(MANAGE_RESOURCES).sort());
		for (const [resource, operations] of Object.entries(MANAGE_RESOURCES)) {
			expect(OPERATIONS[resource].map(([value]) => value).sort()).toEqual(Object.keys(operations).sort());
			expect(HTML).toContain(`<option value="${resource}">`);
			expect(Object.keys(ROWS[resource]).sort()).toEqual(Object.keys(operations).sort());
		}
	});

	it('shows each operation exactly the rows of the fields it reads', () => {
		for (const [resource, operations] of Object.entries(MANAGE_RESOURCES)) {
			for (const operation of Object.keys(operations)) {
				expect([resource, operation, [...ROWS[resource][operation]].sort()]).toEqual([resource, operation, rowsOf(resource, operation).sort()]);
			}
		}
	});

	it('has a default and a row for every field, ids and objects as typed inputs', () => {
		const { defaults } = registered();
		for (const spec of Object.values(MANAGE_FIELDS)) {
			expect([spec.name, defaults[spec.name]]).toEqual([spec.name, expect.objectContaining({ value: expect.anything() })]);
			expect(HTML).toContain(`id="node-input-${spec.name}"`);
			if (spec.kind === 'text' || spec.kind === 'object') {
				expect([spec.name, TYPED[spec.name]]).toEqual([spec.name, expect.arrayContaining(spec.kind === 'text' ? ['str', 'msg', 'flow', 'global', 'env'] : ['json', 'msg'])]);
				expect(defaults[`${spec.name}Type`]).toBeDefined();
			}
		}
		expect(defaults.resource.value).toBe('endpoint');
		expect(defaults.operation.value).toBe('get');
	});
});
