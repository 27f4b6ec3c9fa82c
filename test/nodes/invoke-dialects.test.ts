/**
 * The Invoke node in front of each common model server (the sample model server's `--dialect`s, deployed through
 * the emulator's image mapping): text, reasoning and usage with no setting, "Text Field" for anything else, and a
 * server error inside a stream as an error (error items keeping the partial output with Continue On Fail).
 */
import type { IDataObject } from 'n8n-workflow';

import { forgetSecrets, rememberSecret } from '../../lib/secrets';
import { chain, sourceNode, type TestNode } from '../harness/n8n-engine';
import { SAMPLE_SERVER } from '../lib/support/sampleServer';
import { TYPE, deployModel, emulatorWithCredential, expectNoSecrets, locator, runNodes, type DeployedModel, type NodeEnv } from './support';

const DIALECTS = ['vllm-reasoning', 'tgi', 'llamacpp', 'ollama', 'kserve', 'torchserve'] as const;
type Dialect = (typeof DIALECTS)[number];
const imageOf = (dialect: Dialect) => `us-docker.pkg.dev/test/${dialect}:1`;

let env: NodeEnv;
const models: Partial<Record<Dialect, DeployedModel>> = {};

beforeAll(async () => {
	const images = Object.fromEntries(
		DIALECTS.map((dialect) => [imageOf(dialect), { command: [process.execPath, '--no-warnings', SAMPLE_SERVER], args: [`--dialect=${dialect}`] }]),
	);
	env = await emulatorWithCredential({ images });
	for (const dialect of DIALECTS) {
		models[dialect] = await deployModel(env, { modelId: `${dialect}-model`, endpointId: `${dialect}-endpoint` }, { upload: { imageUri: imageOf(dialect) } });
	}
}, 120_000);

afterAll(async () => {
	await env?.close();
});

async function invoke(dialect: Dialect, parameters: IDataObject, extra: Partial<TestNode> = {}, streaming = false) {
	const node: TestNode = {
		name: 'Invoke',
		type: TYPE.invoke,
		parameters: { endpoint: locator(models[dialect]!.endpointId), ...parameters },
		...extra,
	};
	const result = await runNodes(env, { nodes: [sourceNode('Start', [{}]), node], connections: chain('Start', 'Invoke'), streaming });
	await expectNoSecrets(env, result);
	return result;
}

const sized = { chunks: 3, chunkSize: 4 };
/** Stands for an access token the transport sent (remembered as the transport remembers the tokens it sends). */
const ECHOED_TOKEN = 'ya29.reflected-by-a-debug-server-0123456789';
const ANSWER = 'tok0tok1tok2';
const aggregate = (path: string, body: IDataObject): IDataObject => ({ path, jsonBody: JSON.stringify({ ...sized, ...body }), streamOutput: 'aggregate' });

describe('text, reasoning and usage of each server, with no setting', () => {
	it('vLLM with a reasoning parser: reasoning on its chunks and in the aggregate, kept out of the text', async () => {
		const body = { messages: [{ role: 'user', content: 'hi' }], stream: true };
		const chunks = (await invoke('vllm-reasoning', { path: '/v1/chat/completions', jsonBody: JSON.stringify({ ...sized, ...body }) })).lastNodeJson('Invoke');
		expect(chunks.filter((chunk) => chunk.reasoning !== undefined).map((chunk) => chunk.reasoning).join('')).toBe('Let me think about this.');
		const [summary] = (await invoke('vllm-reasoning', aggregate('/v1/chat/completions', body))).lastNodeJson('Invoke');
		expect(summary).toMatchObject({ text: ANSWER, reasoning: 'Let me think about this.', usage: { prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 } });
	});

	it.each([
		['tgi', '/generate_stream', { inputs: 'hi' }, { input_length: 1, generated_tokens: 3 }],
		['llamacpp', '/completion', { prompt: 'hi', stream: true }, { tokens_evaluated: 1, tokens_predicted: 3 }],
		['ollama', '/api/generate', { prompt: 'hi' }, { prompt_eval_count: 1, eval_count: 3 }],
	] as const)('%s native stream: the text and the usage in one shape, with the raw counters', async (dialect, path, body, raw) => {
		const result = await invoke(dialect, aggregate(path, body));
		expect(result.error).toBeUndefined();
		const [summary] = result.lastNodeJson('Invoke');
		expect(summary).toMatchObject({ text: ANSWER, usage: { prompt_tokens: 1, completion_tokens: 3, total_tokens: 4, raw } });
		expect(summary.note).toBeUndefined();
	});

	it('KServe v2 / Triton: a whole answer gets the text of its output tensor beside the body', async () => {
		const jsonBody = JSON.stringify({ ...sized, inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1], data: ['hi'] }] });
		const [item] = (await invoke('kserve', { path: '/v2/models/m/infer', jsonBody })).lastNodeJson('Invoke');
		expect(item).toMatchObject({ text: ANSWER, body: { model_name: 'm', outputs: [expect.objectContaining({ data: [ANSWER] })] } });
	});

	it('TorchServe: a text answer is the text', async () => {
		const [item] = (await invoke('torchserve', { path: '/predictions/m', jsonBody: JSON.stringify(sized) })).lastNodeJson('Invoke');
		expect(item).toMatchObject({ text: ANSWER, body: ANSWER });
	});

	it('"Text Field" reads the text where a server puts it', async () => {
		const jsonBody = JSON.stringify({ ...sized, inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1], data: ['hi'] }] });
		const [item] = (await invoke('kserve', { path: '/v2/models/m/infer', jsonBody, options: { textField: 'model_name' } })).lastNodeJson('Invoke');
		expect(item.text).toBe('m');
	});

	it('replaces a token the package sent that a server reflects in a successful answer', async () => {
		rememberSecret(ECHOED_TOKEN);
		try {
			const [item] = (await invoke('tgi', { path: '/echo', jsonBody: JSON.stringify({ seen: `Bearer ${ECHOED_TOKEN}` }) })).lastNodeJson('Invoke');
			expect(JSON.stringify(item)).not.toContain(ECHOED_TOKEN);
			expect((item.body as IDataObject).body).toContain('[redacted]');
		} finally {
			forgetSecrets();
		}
	});

	it('refuses a "Text Field" that is no JSON path, naming it, before any request is sent', async () => {
		const forwardedBefore = env.emulator.requestLog('forwarded').length;
		const result = await invoke('kserve', { path: '/v2/models/m/infer', jsonBody: '{}', options: { textField: 'a..b' } });
		expect(result.error?.message).toContain('"Text Field"');
		expect(env.emulator.requestLog('forwarded').length).toBe(forwardedBefore);
	});
});

describe('a server error inside the stream is an error', () => {
	const failing = (body: IDataObject) => ({ path: '/generate_stream', jsonBody: JSON.stringify({ ...sized, inputs: 'hi', failAfter: 2, ...body }) });

	it('fails the node, naming the server\'s message, without Continue On Fail', async () => {
		const result = await invoke('tgi', failing({}));
		expect(result.error?.message).toContain('CUDA out of memory');
	});

	it('with Continue On Fail: the chunks that came, then one error item', async () => {
		const result = await invoke('tgi', failing({}), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		const items = result.lastNodeJson('Invoke');
		expect(items.map((item) => item.text)).toEqual(['tok0', 'tok1', undefined]);
		expect(items[2]).toMatchObject({ error: expect.stringContaining('CUDA out of memory (generation)'), chunkIndex: 2 });
	});

	it('aggregated, with Continue On Fail: an error item that keeps the partial text', async () => {
		const result = await invoke('llamacpp', { ...aggregate('/completion', { prompt: 'hi', stream: true, failAfter: 2 }) }, { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.lastNodeJson('Invoke')).toEqual([
			expect.objectContaining({ error: expect.stringContaining('slot failed while decoding'), text: 'tok0tok1', chunkCount: 2 }),
		]);
	});

	it('"Continue (using error output)": the aggregated error item goes to the error output, keeping the partial text', async () => {
		const result = await invoke('llamacpp', { ...aggregate('/completion', { prompt: 'hi', stream: true, failAfter: 2 }) }, { onError: 'continueErrorOutput' });
		expect(result.error).toBeUndefined();
		expect(result.lastNodeOutput('Invoke', 0)).toEqual([]);
		const [errorItem, ...others] = result.lastNodeOutput('Invoke', 1);
		expect(others).toEqual([]);
		expect(errorItem.json).toMatchObject({ error: expect.stringContaining('slot failed while decoding'), details: { text: 'tok0tok1', chunkCount: 2 } });
	});

	it('"Continue (using error output)": the chunks that came stay on the main output, the error item goes to the error output', async () => {
		const result = await invoke('tgi', failing({}), { onError: 'continueErrorOutput' });
		expect(result.error).toBeUndefined();
		expect(result.lastNodeOutput('Invoke', 0).map((item) => item.json.text)).toEqual(['tok0', 'tok1']);
		expect(result.lastNodeOutput('Invoke', 1).map((item) => item.json)).toEqual([
			expect.objectContaining({ error: expect.stringContaining('CUDA out of memory (generation)'), details: { chunkIndex: 2 } }),
		]);
	});

	it('forwarded live: the texts before it, then an error message to the caller', async () => {
		const body = { prompt: 'hi', failAfter: 2 };
		const result = await invoke('ollama', { path: '/api/generate', jsonBody: JSON.stringify({ ...sized, ...body }), options: { coalesceLiveChunksMs: 0 } }, { continueOnFail: true }, true);
		const sent = result.chunks.filter((chunk) => chunk.metadata.nodeName === 'Invoke');
		expect(sent.map((chunk) => chunk.type)).toEqual(['begin', 'item', 'item', 'error', 'end']);
		expect(String(sent[3].content)).toContain('unexpected EOF');
	});
});

describe('a whole answer\'s failure is an error naming the server\'s message', () => {
	const FAILURE = 'Model m failed: CUDA error: an illegal memory access was encountered';
	const KSERVE_INPUTS = [{ name: 'text_input', datatype: 'BYTES', shape: [1], data: ['hi'] }];
	/** The server, its route, the request body's fields, and the message the node shows for FAILURE. */
	const SERVERS = [
		['kserve', '/v2/models/m/infer', { inputs: KSERVE_INPUTS }, `The server answered: ${FAILURE}.`],
		['torchserve', '/predictions/m', sized, `The server answered: ${FAILURE} (InternalServerException). The service is temporarily unavailable: retry later.`],
	] as const;

	it.each(SERVERS)('%s: the node fails with the server\'s own message, not its JSON', async (dialect, path, fields, shown) => {
		const result = await invoke(dialect, { path, jsonBody: JSON.stringify({ ...fields, failWith: FAILURE }) });
		expect(result.error?.message).toBe(shown);
		expect(result.lastNodeJson('Invoke')).toEqual([]);
	});

	it.each(SERVERS)('%s with Continue On Fail: one item per input item, in order, the failed ones errors naming the message', async (dialect, path, fields, shown) => {
		const node: TestNode = {
			name: 'Invoke',
			type: TYPE.invoke,
			// Items 0 and 2 ask the server to fail, item 1 does not.
			parameters: { endpoint: locator(models[dialect]!.endpointId), path, jsonBody: `={{ JSON.stringify({ ...${JSON.stringify(fields)}, failWith: $json.fail }) }}` },
			continueOnFail: true,
		};
		const inputs = [{ fail: FAILURE }, {}, { fail: FAILURE }];
		const result = await runNodes(env, { nodes: [sourceNode('Start', inputs), node], connections: chain('Start', 'Invoke') });
		await expectNoSecrets(env, result);
		expect(result.error).toBeUndefined();
		const items = result.lastNodeOutput('Invoke');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items.map((item) => item.json.error)).toEqual([shown, undefined, shown]);
		expect(items[1].json.text).toBe(dialect === 'kserve' ? 'Hello from the sample model server! You said: "hi"' : ANSWER);
	});

	it.each(SERVERS)('%s: a token the package sent, echoed in the server\'s message, is replaced', async (dialect, path, fields) => {
		rememberSecret(ECHOED_TOKEN);
		try {
			const failWith = `upstream refused Authorization: Bearer ${ECHOED_TOKEN}`;
			const failed = await invoke(dialect, { path, jsonBody: JSON.stringify({ ...fields, failWith }) });
			expect(failed.error?.message).toContain('upstream refused Authorization: Bearer [redacted]');
			const continued = await invoke(dialect, { path, jsonBody: JSON.stringify({ ...fields, failWith }) }, { continueOnFail: true });
			expect(continued.lastNodeJson('Invoke')).toEqual([expect.objectContaining({ error: expect.stringContaining('Bearer [redacted]') })]);
			// The node's parameters hold the request as typed (the token among them); everything else must not.
			const { node: _asTyped, ...errorShown } = failed.error as unknown as IDataObject;
			expect(JSON.stringify([errorShown, continued.lastNodeJson('Invoke')])).not.toContain(ECHOED_TOKEN);
		} finally {
			forgetSecrets();
		}
	});
});
