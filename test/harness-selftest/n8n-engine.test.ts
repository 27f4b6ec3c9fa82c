import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	NodeConnectionTypes,
	NodeOperationError,
	sleep,
	type ICredentialTestFunctions,
	type ICredentialType,
	type ICredentialsDecrypted,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	callCredentialTest,
	callListSearch,
	callLoadOptions,
	chain,
	runWorkflow,
	sourceNode,
	type TestNode,
} from '../harness/n8n-engine';

/** Shared node description fields for the tiny node types below. */
function testDescription(name: string, properties: INodeProperties[] = [], extra: Partial<INodeTypeDescription> = {}): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: `Self-test node ${name}.`,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties,
		...extra,
	};
}

/** Two output items per input item, each linked to its input: pairedItem must survive the engine. */
class Fanout implements INodeType {
	description = testDescription('fanout', [{ displayName: 'Factor', name: 'factor', type: 'number', default: 1 }]);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const output: INodeExecutionData[] = [];
		this.getInputData().forEach((item, itemIndex) => {
			const factor = this.getNodeParameter('factor', itemIndex) as number;
			for (const copy of [0, 1]) {
				output.push({ json: { n: item.json.n, copy, scaled: factor }, pairedItem: { item: itemIndex } });
			}
		});
		return [output];
	}
}

/** Fails on items with `bad: true`, handling continueOnFail the way the conventions ask. */
class Picky implements INodeType {
	description = testDescription('picky');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const output: INodeExecutionData[] = [];
		for (const [itemIndex, item] of this.getInputData().entries()) {
			try {
				if (item.json.bad) throw new NodeOperationError(this.getNode(), `item ${itemIndex} is bad`, { itemIndex });
				output.push({ json: { ok: item.json.n }, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
			}
		}
		return [output];
	}
}

class SelfTestApi implements ICredentialType {
	name = 'selfTestApi';
	displayName = 'Self-test API';
	properties: INodeProperties[] = [
		{
			displayName: 'Auth',
			name: 'auth',
			type: 'options',
			options: [
				{ name: 'Key', value: 'key' },
				{ name: 'Token', value: 'token' },
			],
			default: 'key',
		},
		{ displayName: 'Key', name: 'key', type: 'string', typeOptions: { password: true }, default: '', displayOptions: { show: { auth: ['key'] } } },
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '', displayOptions: { show: { auth: ['token'] } } },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'us-central1' },
	];
}

/** Returns the credential it is given, so the test sees exactly what a node would. */
class CredentialEcho implements INodeType {
	description = testDescription('credentialEcho', [{ displayName: 'Prefix', name: 'prefix', type: 'string', default: '' }], {
		credentials: [{ name: 'selfTestApi', required: true, testedBy: 'checkSelfTestApi' }],
	});

	methods = {
		listSearch: {
			async searchThings(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
				const credentials = await this.getCredentials('selfTestApi');
				const prefix = this.getCurrentNodeParameter('prefix') as string;
				const page = Number(paginationToken ?? 0);
				const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`].filter((name) => !filter || name.includes(filter));
				return {
					results: names.slice(page, page + 2).map((name) => ({ name, value: `${credentials.region}/${name}` })),
					paginationToken: page + 2 < names.length ? String(page + 2) : undefined,
				};
			},
		},
		loadOptions: {
			async regions(this: ILoadOptionsFunctions) {
				const { region } = await this.getCredentials('selfTestApi');
				return [{ name: String(region), value: String(region) }];
			},
		},
		credentialTest: {
			async checkSelfTestApi(this: ICredentialTestFunctions, credential: ICredentialsDecrypted) {
				// The real context carries n8n's request helper: its presence is part of what is checked.
				if (typeof this.helpers.request !== 'function') return { status: 'Error' as const, message: 'no request helper' };
				const { key, region } = credential.data ?? {};
				return key === 'good'
					? { status: 'OK' as const, message: `${credential.type} in ${region}` }
					: { status: 'Error' as const, message: 'The key was refused.' };
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials('selfTestApi', 0);
		return [[{ json: { credentials }, pairedItem: { item: 0 } }]];
	}
}

/** Streams one chunk per item when n8n streams, and always returns the items. */
class Streamer implements INodeType {
	description = testDescription('streamer');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const streaming = this.isStreaming();
		const items = this.getInputData();
		for (const [itemIndex, item] of items.entries()) {
			if (!streaming) continue;
			await this.sendChunk('begin', itemIndex);
			await this.sendChunk('item', itemIndex, `word-${item.json.n}`);
			await this.sendChunk('item', itemIndex, { n: item.json.n });
			await this.sendChunk('end', itemIndex);
		}
		return [items.map((item, itemIndex) => ({ json: { ...item.json, streaming }, pairedItem: { item: itemIndex } }))];
	}
}

/** Reads a binary property back as text. */
class BinaryReader implements INodeType {
	description = testDescription('binaryReader');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const output: INodeExecutionData[] = [];
		for (const itemIndex of this.getInputData().keys()) {
			const meta = this.helpers.assertBinaryData(itemIndex, 'file');
			const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, 'file');
			output.push({ json: { text: buffer.toString('utf8'), mimeType: meta.mimeType }, pairedItem: { item: itemIndex } });
		}
		return [output];
	}
}

/** Forwards each line of a streamed HTTP response with sendChunk as it arrives. */
class LineRelay implements INodeType {
	description = testDescription('lineRelay', [{ displayName: 'URL', name: 'url', type: 'string', default: '' }]);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const response = await fetch(this.getNodeParameter('url', 0) as string, { signal: this.getExecutionCancelSignal() });
		const lines: string[] = [];
		let pending = '';
		await this.sendChunk('begin', 0);
		for await (const bytes of response.body!) {
			pending += Buffer.from(bytes).toString('utf8');
			let newline: number;
			while ((newline = pending.indexOf('\n')) >= 0) {
				const line = pending.slice(0, newline);
				pending = pending.slice(newline + 1);
				lines.push(line);
				await this.sendChunk('item', 0, line);
			}
		}
		await this.sendChunk('end', 0);
		return [[{ json: { lines }, pairedItem: { item: 0 } }]];
	}
}

const node = (name: string, type: string, extra: Partial<TestNode> = {}): TestNode => ({ name, type, ...extra });

describe('in-process n8n engine harness', () => {
	it('runs items through real nodes, resolving expressions per item and keeping pairedItem', async () => {
		const result = await runWorkflow({
			nodes: [
				sourceNode('Source', [{ n: 1 }, { n: 2 }]),
				node('Fanout', 'test.fanout', { parameters: { factor: '={{ $json.n * 10 }}' } }),
			],
			connections: chain('Source', 'Fanout'),
			nodeTypes: { 'test.fanout': Fanout },
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.executedNodes).toEqual(['Source', 'Fanout']);
		expect(result.lastNodeJson('Fanout')).toEqual([
			{ n: 1, copy: 0, scaled: 10 },
			{ n: 1, copy: 1, scaled: 10 },
			{ n: 2, copy: 0, scaled: 20 },
			{ n: 2, copy: 1, scaled: 20 },
		]);
		expect(result.lastNodeOutput('Fanout').map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 1 },
			{ item: 1 },
		]);
	});

	it('turns a node error into an error item with continueOnFail, and fails the run without it', async () => {
		const nodes = (continueOnFail: boolean) => [
			sourceNode('Source', [{ n: 1 }, { n: 2, bad: true }, { n: 3 }]),
			node('Picky', 'test.picky', { continueOnFail }),
		];
		const common = { connections: chain('Source', 'Picky'), nodeTypes: { 'test.picky': Picky } };

		const continued = await runWorkflow({ nodes: nodes(true), ...common });
		expect(continued.status).toBe('success');
		expect(continued.lastNodeOutput('Picky')).toEqual([
			{ json: { ok: 1 }, pairedItem: { item: 0 } },
			{ json: { error: 'item 1 is bad' }, pairedItem: { item: 1 } },
			{ json: { ok: 3 }, pairedItem: { item: 2 } },
		]);

		const failed = await runWorkflow({ nodes: nodes(false), ...common });
		expect(failed.status).toBe('error');
		expect(failed.error?.message).toBe('item 1 is bad');
		expect(failed.error?.name).toBe('NodeOperationError');
		expect(failed.nodeError('Picky')?.message).toBe('item 1 is bad');
		expect(failed.lastNodeOutput('Picky')).toEqual([]);
	});

	it('treats onError "continueRegularOutput" (what the editor saves) as continueOnFail', async () => {
		const result = await runWorkflow({
			nodes: [sourceNode('Source', [{ n: 1, bad: true }]), node('Picky', 'test.picky', { onError: 'continueRegularOutput' })],
			connections: chain('Source', 'Picky'),
			nodeTypes: { 'test.picky': Picky },
		});
		expect(result.status).toBe('success');
		expect(result.lastNodeJson('Picky')).toEqual([{ error: 'item 0 is bad' }]);
	});

	it('gives getCredentials the test data, shaped by the credential type as n8n does', async () => {
		const common = {
			connections: chain('Source', 'Echo'),
			nodeTypes: { 'test.credentialEcho': CredentialEcho },
		};

		const raw = await runWorkflow({
			...common,
			nodes: [sourceNode('Source'), node('Echo', 'test.credentialEcho')],
			credentials: { selfTestApi: { auth: 'key', key: 'k-1', token: 'stale' } },
		});
		expect(raw.error).toBeUndefined();
		expect(raw.lastNodeJson('Echo')[0].credentials).toEqual({ auth: 'key', key: 'k-1', token: 'stale' });

		// With the type known: defaults filled in, the field hidden by displayOptions dropped, expressions resolved.
		const shaped = await runWorkflow({
			...common,
			nodes: [sourceNode('Source', [{ suffix: 'x' }]), node('Echo', 'test.credentialEcho')],
			credentials: { selfTestApi: { auth: 'key', key: '={{ "k-" + $json.suffix }}', token: 'stale' } },
			credentialTypes: [SelfTestApi],
		});
		expect(shaped.lastNodeJson('Echo')[0].credentials).toEqual({ auth: 'key', key: 'k-x', region: 'us-central1' });

		// A node pointing at a credential id gets that credential's data rather than the type's.
		const byId = await runWorkflow({
			...common,
			nodes: [
				sourceNode('Source'),
				node('Echo', 'test.credentialEcho', { credentials: { selfTestApi: { id: 'second', name: 'Second' } } }),
			],
			credentials: { selfTestApi: { key: 'first' }, second: { key: 'second' } },
		});
		expect(byId.lastNodeJson('Echo')[0].credentials).toEqual({ key: 'second' });

		const missing = await runWorkflow({ ...common, nodes: [sourceNode('Source'), node('Echo', 'test.credentialEcho')] });
		expect(missing.status).toBe('error');
		expect(missing.error?.message).toMatch(/credentials/i);
	});

	it('captures sendChunk output with isStreaming() true when streaming, and nothing otherwise', async () => {
		const live: string[] = [];
		const common = {
			nodes: [sourceNode('Source', [{ n: 1 }, { n: 2 }]), node('Streamer', 'test.streamer')],
			connections: chain('Source', 'Streamer'),
			nodeTypes: { 'test.streamer': Streamer },
		};

		const streamed = await runWorkflow({ ...common, streaming: true, onChunk: (chunk) => void live.push(chunk.type) });
		expect(streamed.lastNodeJson('Streamer')).toEqual([
			{ n: 1, streaming: true },
			{ n: 2, streaming: true },
		]);
		expect(streamed.chunks.map(({ type, content, metadata }) => [type, content, metadata.nodeName, metadata.itemIndex])).toEqual([
			['begin', undefined, 'Streamer', 0],
			['item', 'word-1', 'Streamer', 0],
			['item', '{"n":1}', 'Streamer', 0],
			['end', undefined, 'Streamer', 0],
			['begin', undefined, 'Streamer', 1],
			['item', 'word-2', 'Streamer', 1],
			['item', '{"n":2}', 'Streamer', 1],
			['end', undefined, 'Streamer', 1],
		]);
		expect(live).toEqual(streamed.chunks.map((chunk) => chunk.type));

		const quiet = await runWorkflow(common);
		expect(quiet.lastNodeJson('Streamer')).toEqual([
			{ n: 1, streaming: false },
			{ n: 2, streaming: false },
		]);
		expect(quiet.chunks).toEqual([]);
	});

	it('sends an "error" chunk for a failing node when streaming; under onError "continue" a throwing node passes its input on', async () => {
		const common = {
			connections: chain('Source', 'Picky'),
			nodeTypes: { 'test.picky': Picky },
			streaming: true,
		};
		const failed = await runWorkflow({ ...common, nodes: [sourceNode('Source', [{ n: 1, bad: true }]), node('Picky', 'test.picky')] });
		expect(failed.status).toBe('error');
		expect(failed.chunks.map((chunk) => [chunk.type, chunk.metadata.nodeName])).toEqual([['error', 'Picky']]);

		// The engine's own fallback when a node throws under onError "continue": the node's input items
		// go out unchanged (the error is only on the task), so nodes must build their error items themselves.
		class Thrower implements INodeType {
			description = testDescription('thrower');
			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				throw new NodeOperationError(this.getNode(), 'always fails');
			}
		}
		const throwerRun = (nodes: TestNode[]) =>
			runWorkflow({
				nodes: [sourceNode('Source', [{ n: 5 }]), node('Thrower', 'test.thrower', { onError: 'continueRegularOutput' }), ...nodes],
				connections: chain('Source', 'Thrower', ...nodes.map((extra) => extra.name)),
				nodeTypes: { 'test.thrower': Thrower, 'test.fanout': Fanout },
			});
		const followed = await throwerRun([node('After', 'test.fanout')]);
		expect(followed.status).toBe('success');
		expect(followed.lastNodeJson('Thrower')).toEqual([{ n: 5 }]);
		expect(followed.nodeError('Thrower')?.message).toBe('always fails');
		expect(followed.lastNodeJson('After')).toEqual([
			{ n: 5, copy: 0, scaled: 1 },
			{ n: 5, copy: 1, scaled: 1 },
		]);
		// ...but when that node is the last one, the run still ends as 'error' with its error.
		const last = await throwerRun([]);
		expect(last.status).toBe('error');
		expect(last.error?.message).toBe('always fails');
		expect(last.lastNodeJson('Thrower')).toEqual([{ n: 5 }]);
	});

	it('streams in webhook mode too, with the source items as the data the run started with', async () => {
		const result = await runWorkflow({
			nodes: [sourceNode('Webhook', [{ n: 7 }]), node('Streamer', 'test.streamer')],
			connections: chain('Webhook', 'Streamer'),
			nodeTypes: { 'test.streamer': Streamer },
			mode: 'webhook',
			streaming: true,
		});
		expect(result.lastNodeJson('Streamer')).toEqual([{ n: 7, streaming: true }]);
		expect(result.chunks.filter((chunk) => chunk.type === 'item').map((chunk) => chunk.content)).toEqual(['word-7', '{"n":7}']);
	});

	it('does not stream in cli mode even when asked (as under `n8n execute`)', async () => {
		const result = await runWorkflow({
			nodes: [sourceNode('Source', [{ n: 1 }]), node('Streamer', 'test.streamer')],
			connections: chain('Source', 'Streamer'),
			nodeTypes: { 'test.streamer': Streamer },
			mode: 'cli',
			streaming: true,
		});
		expect(result.lastNodeJson('Streamer')).toEqual([{ n: 1, streaming: false }]);
		expect(result.chunks).toEqual([]);
	});

	describe('live streaming over a real socket', () => {
		let server: Server;
		let url: string;
		let held: ServerResponse | undefined;

		beforeAll(async () => {
			// Sends the first line, then holds the response open until the test releases it.
			server = createServer((_request, response) => {
				response.writeHead(200, { 'content-type': 'text/plain' });
				response.write('first\n');
				held = response;
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`;
		});

		afterAll(async () => {
			held?.destroy();
			await new Promise((resolve) => server.close(resolve));
		});

		it('delivers a chunk to the caller before the upstream response has ended', async () => {
			const seenBeforeRelease: string[] = [];
			const result = await runWorkflow({
				nodes: [sourceNode('Source'), node('Relay', 'test.lineRelay', { parameters: { url } })],
				connections: chain('Source', 'Relay'),
				nodeTypes: { 'test.lineRelay': LineRelay },
				streaming: true,
				onChunk: (chunk) => {
					if (chunk.type !== 'item' || chunk.content !== 'first') return;
					// The server finishes only now: the first chunk cannot have waited for the whole body.
					seenBeforeRelease.push(chunk.content);
					held?.end('second\n');
				},
			});
			expect(seenBeforeRelease).toEqual(['first']);
			expect(result.chunks.map((chunk) => [chunk.type, chunk.content])).toEqual([
				['begin', undefined],
				['item', 'first'],
				['item', 'second'],
				['end', undefined],
			]);
			expect(result.lastNodeJson('Relay')).toEqual([{ lines: ['first', 'second'] }]);
		});
	});

	describe('cancellation', () => {
		interface Seen {
			aborted?: boolean;
		}

		/**
		 * Waits (up to a minute) on the execution's cancel signal and records that it fired; then
		 * rethrows the abort error, throws one saying "canceled", or returns, as `onAbort` says.
		 */
		function waiterType(seen: Seen, onWaiting: () => void) {
			return class Waiter implements INodeType {
				description = testDescription('waiter', [
					{ displayName: 'On Abort', name: 'onAbort', type: 'string', default: 'rethrow' },
				]);

				async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
					const signal = this.getExecutionCancelSignal();
					const onAbort = this.getNodeParameter('onAbort', 0) as string;
					onWaiting();
					try {
						await sleep(60_000, signal);
					} catch (error) {
						seen.aborted = signal?.aborted;
						if (onAbort === 'rethrow') throw error;
						if (onAbort === 'canceled') throw new NodeOperationError(this.getNode(), 'The wait was canceled');
					}
					return [this.getInputData()];
				}
			};
		}

		const waitWorkflow = (onAbort: string) => ({
			nodes: [sourceNode('Source'), node('Wait', 'test.waiter', { parameters: { onAbort } })],
			connections: chain('Source', 'Wait'),
		});

		it('reaches the AbortSignal of a waiting node when the test aborts its signal', async () => {
			const seen: Seen = {};
			const controller = new AbortController();
			const result = await runWorkflow({
				...waitWorkflow('return'),
				nodeTypes: { 'test.waiter': waiterType(seen, () => setImmediate(() => controller.abort())) },
				signal: controller.signal,
			});
			expect(seen.aborted).toBe(true);
			expect(result.cancelRequested).toBe(true);
			expect(result.status).toBe('canceled');
			expect(result.error?.name).toBe('ManualExecutionCancelledError');
		});

		it('cancels once a named node has started (cancelAfter)', async () => {
			const seen: Seen = {};
			const result = await runWorkflow({
				...waitWorkflow('canceled'),
				nodeTypes: { 'test.waiter': waiterType(seen, () => {}) },
				cancelAfter: { nodeStarted: 'Wait' },
			});
			expect(seen.aborted).toBe(true);
			expect(result.status).toBe('canceled');
			expect(result.error?.message).toBe('The wait was canceled');
		});

		it('ends as "error" when the node rethrows a plain abort error (an engine fact node code must know)', async () => {
			const seen: Seen = {};
			const result = await runWorkflow({
				...waitWorkflow('rethrow'),
				nodeTypes: { 'test.waiter': waiterType(seen, () => {}) },
				cancelAfter: { nodeStarted: 'Wait' },
			});
			expect(seen.aborted).toBe(true);
			expect(result.cancelRequested).toBe(true);
			expect(result.status).toBe('error');
			expect(result.nodeError('Wait')).toBeDefined();
		});

		it('does not cancel a run that ends before cancelAfter fires', async () => {
			const result = await runWorkflow({
				nodes: [sourceNode('Source', [{ n: 1 }]), node('Fanout', 'test.fanout')],
				connections: chain('Source', 'Fanout'),
				nodeTypes: { 'test.fanout': Fanout },
				cancelAfter: { nodeStarted: 'Fanout', delayMs: 60_000 },
			});
			expect(result.status).toBe('success');
			expect(result.cancelRequested).toBe(false);
		});
	});

	it('passes binary data from the source to a node that reads it', async () => {
		const result = await runWorkflow({
			nodes: [
				sourceNode('Source', [{ n: 1 }], [{ file: { data: 'hello binary', mimeType: 'text/plain', fileName: 'a.txt' } }]),
				node('Reader', 'test.binaryReader'),
			],
			connections: chain('Source', 'Reader'),
			nodeTypes: { 'test.binaryReader': BinaryReader },
		});
		expect(result.lastNodeJson('Reader')).toEqual([{ text: 'hello binary', mimeType: 'text/plain' }]);
	});

	describe('node methods', () => {
		const credentials = { selfTestApi: { auth: 'key', key: 'good', region: 'europe-west4' } };

		it('calls a listSearch method with the real LoadOptionsContext (credentials, parameters, filter, pages)', async () => {
			const first = await callListSearch(CredentialEcho, 'searchThings', credentials, { prefix: 'ep' });
			expect(first).toEqual({
				results: [
					{ name: 'ep-a', value: 'europe-west4/ep-a' },
					{ name: 'ep-b', value: 'europe-west4/ep-b' },
				],
				paginationToken: '2',
			});
			const second = await callListSearch(CredentialEcho, 'searchThings', credentials, { prefix: 'ep' }, { paginationToken: '2' });
			expect(second).toEqual({ results: [{ name: 'ep-c', value: 'europe-west4/ep-c' }], paginationToken: undefined });
			const filtered = await callListSearch(CredentialEcho, 'searchThings', credentials, { prefix: 'ep' }, { filter: '-b' });
			expect(filtered.results.map((result) => result.name)).toEqual(['ep-b']);
		});

		it('calls a loadOptions method', async () => {
			expect(await callLoadOptions(CredentialEcho, 'regions', credentials)).toEqual([
				{ name: 'europe-west4', value: 'europe-west4' },
			]);
		});

		it('calls a credentialTest method with the decrypted credential, defaults applied', async () => {
			const passed = await callCredentialTest(CredentialEcho, 'checkSelfTestApi', { key: 'good' }, { credentialTypes: [SelfTestApi] });
			expect(passed).toEqual({ status: 'OK', message: 'selfTestApi in us-central1' });
			const refused = await callCredentialTest(CredentialEcho, 'checkSelfTestApi', { key: 'bad' });
			expect(refused).toEqual({ status: 'Error', message: 'The key was refused.' });
		});
	});
});
