/**
 * One check-first mechanism: each node reads every item's parameters (building its request) before its first
 * request, and then sends what it prepared without reading a parameter again. Two items per run, and parameters
 * given as expressions (a fixed value is read once for all items), so a handler that read or re-read an item's
 * parameters would read after the first item's requests.
 */
import { ExecuteContext } from 'n8n-core';

import { VertexTransport } from '../../lib/transport/transport';
import { chain, sourceNode, type TestNode } from '../harness/n8n-engine';
import { TYPE, emulatorWithCredential, locator, runNodes, type NodeEnv } from './support';

let env: NodeEnv;

/** In the order they happened: a parameter read by the node under test, or a request sent. */
let events: Array<'read' | 'send'> = [];
let watched = '';

beforeAll(async () => {
	env = await emulatorWithCredential();
	const result = await runNodes(env, {
		nodes: [
			sourceNode('Start'),
			{ name: 'Upload', type: TYPE.upload, parameters: { displayName: 'kept', imageUri: env.emulator.builtInImage, modelId: 'kept-model' } },
			{ name: 'Create', type: TYPE.create, parameters: { displayName: 'kept', endpointId: 'kept-endpoint' } },
		],
		connections: chain('Start', 'Upload', 'Create'),
	});
	expect(result.error).toBeUndefined();

	// An execute context's getNodeParameter (set per instance) reads through _getNodeParameter of a base class.
	let owner = ExecuteContext.prototype as object;
	while (!Object.prototype.hasOwnProperty.call(owner, '_getNodeParameter')) owner = Object.getPrototypeOf(owner) as object;
	const reader = owner as { _getNodeParameter: (...args: unknown[]) => unknown };
	const read = reader._getNodeParameter;
	jest.spyOn(reader, '_getNodeParameter').mockImplementation(function (this: { getNode(): { name: string } }, ...args: unknown[]) {
		if (this.getNode().name === watched) events.push('read');
		return read.apply(this, args);
	});
	const send = VertexTransport.prototype.send;
	jest.spyOn(VertexTransport.prototype, 'send').mockImplementation(function (this: VertexTransport, request) {
		events.push('send');
		return send.call(this, request);
	});
}, 60_000);

afterAll(async () => {
	jest.restoreAllMocks();
	await env?.close();
});

const cases: Array<[string, () => TestNode]> = [
	['Upload', () => ({ name: 'Upload', type: TYPE.upload, parameters: { displayName: '={{ "twice" }}', imageUri: env.emulator.builtInImage } })],
	['Create Dedicated Endpoint', () => ({ name: 'Create', type: TYPE.create, parameters: { displayName: '={{ "twice" }}' } })],
	[
		'Deploy',
		() => ({
			name: 'Deploy',
			type: TYPE.deploy,
			parameters: { endpoint: locator('={{ "kept-endpoint" }}'), model: locator('={{ "kept-model" }}'), machineType: '={{ "n1-standard-4" }}', ifDeployed: 'replace' },
		}),
	],
	['Manage, Endpoint Get', () => ({ name: 'Manage', type: TYPE.manage, parameters: { resource: 'endpoint', operation: 'get', endpoint: locator('={{ "kept-endpoint" }}') } })],
	['Manage, Model Get Many', () => ({ name: 'Manage', type: TYPE.manage, parameters: { resource: 'model', operation: 'getAll', filter: '={{ "" }}', returnAll: true } })],
	[
		'Manage, Operation Get Many',
		() => ({ name: 'Manage', type: TYPE.manage, parameters: { resource: 'operation', operation: 'getAll', operationsOf: 'model', model: locator('={{ "kept-model" }}') } }),
	],
];

it.each(cases)('%s reads every item before its first request, and nothing after it', async (_title, makeNode) => {
	const node = makeNode();
	watched = node.name;
	events = [];
	const result = await runNodes(env, { nodes: [sourceNode('Start', [{}, {}]), node], connections: chain('Start', node.name) });
	expect(result.error?.message).toBeUndefined();
	expect(result.lastNodeJson(node.name)).not.toHaveLength(0);
	const firstSend = events.indexOf('send');
	expect(events.filter((event) => event === 'read').length).toBeGreaterThan(0);
	expect(firstSend).toBeGreaterThan(0);
	expect(events.lastIndexOf('read')).toBeLessThan(firstSend);
});
