/**
 * The Invoke node in a Node-RED runtime in front of servers that answer whole (KServe v2 / Triton, TorchServe; the
 * sample model server playing each): a failure reaches a Catch node with the server's own message, and no answer
 * message goes out.
 */
import type { ImageSpec } from '../../emulator';
import vertexAiInvoke from '../../node-red/src/vertexAiInvoke';
import { SAMPLE_SERVER } from '../lib/support/sampleServer';
import { emulatorConfig, helper, invokeNode, loadFlow, nodeRedPerTest, until, type EmulatorConfig } from './support';

const SERVERS = {
	kserve: { path: '/v2/models/m/infer', body: { inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1], data: ['hi'] }] } },
	torchserve: { path: '/predictions/m', body: { data: 'hi' } },
} as const;
type Server = keyof typeof SERVERS;
const imageOf = (server: Server) => `us-docker.pkg.dev/test/nr-${server}:1`;

let env: EmulatorConfig;

beforeAll(async () => {
	const images: Record<string, ImageSpec> = {};
	for (const server of Object.keys(SERVERS) as Server[]) {
		images[imageOf(server)] = { command: [process.execPath, '--no-warnings', SAMPLE_SERVER], args: [`--dialect=${server}`] };
	}
	env = await emulatorConfig({ images });
	for (const server of Object.keys(SERVERS) as Server[]) await env.deploySample(`nr-${server}-model`, `nr-${server}`, {}, imageOf(server));
}, 120_000);
afterAll(async () => {
	await env.close();
});
nodeRedPerTest();

const serverInvokeNode = (server: Server) => invokeNode({ endpoint: `nr-${server}`, path: SERVERS[server].path });

describe('Invoke: a whole answer that reports a failure goes to done(error) with the server\'s message', () => {
	it.each(Object.keys(SERVERS) as Server[])('%s', async (server) => {
		const captured = await loadFlow(env, [vertexAiInvoke], [serverInvokeNode(server)]);
		helper.getNode('invoke').receive({ payload: { ...SERVERS[server].body, failWith: 'model m failed to load' } });
		await until(() => captured.errors.length > 0, 20_000, 'the error');
		expect(captured.messages).toEqual([]);
		const { message } = captured.errors[0].error as { message: string };
		expect(message).toContain('The server answered: model m failed to load');
		expect(message).not.toContain('{');
	});

	it.each(Object.keys(SERVERS) as Server[])('%s without the failure: one answer message', async (server) => {
		const captured = await loadFlow(env, [vertexAiInvoke], [serverInvokeNode(server)]);
		helper.getNode('invoke').receive({ payload: SERVERS[server].body });
		await until(() => captured.messages.length > 0, 20_000, 'the answer');
		expect(captured.errors).toEqual([]);
		expect(captured.messages).toHaveLength(1);
	});
});
