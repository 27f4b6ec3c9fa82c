/**
 * The Node-RED package in a real Node-RED runtime (the `node-red` package, headless on 127.0.0.1, its own user
 * folder): the packed package installed as a user installs it, its example flow imported from Node-RED's library
 * and deployed through the admin API
 * with the emulator's key as the config node's credentials, its Inject pressed, and the pipeline upload ->
 * create -> deploy -> invoke run against the emulator as its own process. The streamed messages are read from
 * what the example's Debug nodes send to the editor. Only with N8N_E2E=1, after npm run build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { EmulatorProcess } from '../../scripts/n8n-run/emulator';
import {
	captureDebug,
	deployFlows,
	EXAMPLE,
	exampleFlowFor,
	importExample,
	inject,
	type NodeRedInstance,
} from '../../scripts/node-red-run';
import { describeE2e, requireFreshBuild, startNodeRedOnEmulator } from './support';

let emulator: EmulatorProcess;
let nodeRed: NodeRedInstance;
let stop: (() => Promise<void>) | undefined;

describeE2e('the Node-RED package in a real Node-RED', () => {
	beforeAll(async () => {
		requireFreshBuild();
		({ emulator, nodeRed, stop } = await startNodeRedOnEmulator());
	}, 240_000);

	afterAll(async () => {
		await stop?.();
	});

	it('loads every node type of the package from the installed tarball', async () => {
		const nodes = (await (await fetch(`${nodeRed.url}/nodes`, { headers: { accept: 'application/json' } })).json()) as Array<{ module: string; types: string[]; enabled: boolean; err?: string }>;
		const ours = nodes.filter((set) => set.module === '@vertex-invoke/node-red-vertex-ai');
		expect(ours.map((set) => set.err ?? null)).toEqual(ours.map(() => null));
		// Every type the package's node-red section names, each registered under that name by its module.
		const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'node-red', 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
		expect(ours.flatMap((set) => set.types).sort()).toEqual(Object.keys(manifest['node-red'].nodes).sort());
		expect(ours.flatMap((set) => set.types)).toEqual(expect.arrayContaining(['vertex-ai-config', 'vertex-ai-upload-model', 'vertex-ai-create-endpoint', 'vertex-ai-deploy-model', 'vertex-ai-invoke']));
	});

	it('runs the example flow: upload -> create -> deploy -> invoke, one debug message per chunk, then the joined answer', async () => {
		const debug = await captureDebug(nodeRed.url);
		try {
			// The example as Import > Examples gets it from the installed package.
			const example = await importExample(nodeRed.url);
			expect(example).toEqual(JSON.parse(readFileSync(EXAMPLE, 'utf8')));
			await deployFlows(nodeRed.url, exampleFlowFor(emulator, example));
			await inject(nodeRed.url, 'run');
			const started = Date.now();
			while (!debug.messages.some((message) => message.id === 'answer' || message.id === 'errors') && Date.now() - started < 60_000) {
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			expect(debug.messages.filter((message) => message.id === 'errors').map((message) => message.msg)).toEqual([]);
			const streamed = debug.messages.filter((message) => message.id === 'streamed-chunks').map((message) => message.msg);
			const chunks = streamed.filter((msg) => msg.chunk !== undefined);
			const last = streamed.at(-1);
			expect(chunks.length).toBeGreaterThanOrEqual(5);
			expect(chunks.map((msg) => msg.chunk.index)).toEqual(chunks.map((_, index) => index));
			expect(chunks.every((msg) => msg.parts.id === chunks[0].parts.id && typeof msg.payload === 'string')).toBe(true);
			const text = chunks.map((msg) => msg.payload).join('');
			expect(text).toBe('Hello from the sample model server behind Vertex AI invoke! You said: "Say hello from Vertex AI"');
			// The last message is the answer: it ends the sequence, with the ids of every node before it.
			expect(last).toMatchObject({ payload: text, complete: true, answer: { text, chunkCount: chunks.length, format: 'sse' } });
			expect(last).toMatchObject({ modelId: 'sample-chat-model', endpointId: 'sample-chat-endpoint', deployedModelId: expect.stringMatching(/^\d+$/) });
			expect(debug.messages.filter((message) => message.id === 'answer').map((message) => message.msg)).toEqual([text]);
		} finally {
			debug.close();
		}
	});

	it('keeps the config node\'s key out of the flow: not in GET /flows, not in flows.json, not readable in flows_cred.json', async () => {
		const { private_key: privateKey } = JSON.parse(emulator.credentialData().serviceAccountJson) as { private_key: string };
		const keyLine = privateKey.split('\n')[1];
		const flows = await (await fetch(`${nodeRed.url}/flows`)).text();
		expect(flows).toContain('vertex-ai-config');
		expect(flows).not.toContain(keyLine);
		expect(readFileSync(join(nodeRed.userDir, 'flows.json'), 'utf8')).not.toContain(keyLine);
		expect(readFileSync(join(nodeRed.userDir, 'flows_cred.json'), 'utf8')).not.toContain(keyLine);
		expect(nodeRed.logs()).not.toContain(keyLine);
	});
});
