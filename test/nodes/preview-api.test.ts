/**
 * "Use Preview API (v1beta1)" beyond Deploy Model, through n8n's engine against the emulator: a preview-only field
 * given in Additional Fields (JSON) of Upload Model or Create Dedicated Endpoint is refused without the choice (naming
 * it, before anything is sent), and with it the call goes to v1beta1, which keeps the field.
 */
import type { INodeParameters } from 'n8n-workflow';

import { chain, sourceNode } from '../harness/n8n-engine';
import { TYPE, emulatorWithCredential, expectNoSecrets, expectNothingSent, readResource, resetEmulator, runNodes, type NodeEnv } from './support';

let env: NodeEnv;

beforeAll(async () => {
	env = await emulatorWithCredential();
}, 30_000);
afterAll(async () => {
	await env?.close();
});

const OTEL_LOGGING = JSON.stringify({
	predictRequestResponseLoggingConfig: { enabled: true, samplingRate: 0.5, enableOtelLogging: true, bigqueryDestination: { outputUri: 'bq://test-project.logs' } },
});
const EXAMPLES_FROM_GCS = JSON.stringify({
	model: { explanationSpec: { parameters: { examples: { gcsSource: { uris: ['gs://bucket/examples.jsonl'] }, neighborCount: 3 } } } },
});

async function run(type: string, parameters: INodeParameters) {
	return await runNodes(env, { nodes: [sourceNode('Start'), { name: 'Node', type, parameters }], connections: chain('Start', 'Node') });
}

describe('Create Dedicated Endpoint with a preview-only additional field', () => {
	it('refuses it without the choice, naming "Use Preview API (v1beta1)", before any request', async () => {
		await resetEmulator(env);
		const result = await run(TYPE.create, { displayName: 'otel', endpointId: 'otel-endpoint', options: { additionalFields: OTEL_LOGGING } });
		expect(result.error?.message).toContain('enableOtelLogging is not a field of PredictRequestResponseLoggingConfig in API v1; it exists in the preview API (v1beta1)');
		expect(result.error?.message).toContain('"Use Preview API (v1beta1)"');
		expect(result.error?.description).toContain('"Additional Fields (JSON)"');
		expectNothingSent(env);
		await expectNoSecrets(env, result);
	});

	it('creates the endpoint through v1beta1 with the choice on, and Vertex keeps the field', async () => {
		await resetEmulator(env);
		const result = await run(TYPE.create, { displayName: 'otel', endpointId: 'otel-endpoint', options: { additionalFields: OTEL_LOGGING, usePreviewApi: true } });
		expect(result.error?.message).toBeUndefined();
		const endpoint = await readResource(env, env.client().endpointName('otel-endpoint'));
		expect(endpoint.predictRequestResponseLoggingConfig).toMatchObject({ enabled: true, samplingRate: 0.5, enableOtelLogging: true });
	});
});

describe('Upload Model with a preview-only additional field', () => {
	it('refuses it without the choice, naming "Use Preview API (v1beta1)", before any request', async () => {
		await resetEmulator(env);
		const result = await run(TYPE.upload, { displayName: 'm', imageUri: env.emulator.builtInImage, options: { additionalFields: EXAMPLES_FROM_GCS } });
		expect(result.error?.message).toContain('gcsSource is not a field of Examples in API v1; it exists in the preview API (v1beta1)');
		expect(result.error?.message).toContain('"Use Preview API (v1beta1)"');
		expectNothingSent(env);
	});

	it('uploads through v1beta1 with the choice on, and Vertex keeps the field', async () => {
		await resetEmulator(env);
		const result = await run(TYPE.upload, { displayName: 'm', imageUri: env.emulator.builtInImage, options: { additionalFields: EXAMPLES_FROM_GCS, usePreviewApi: true } });
		expect(result.error?.message).toBeUndefined();
		const [{ modelId }] = result.lastNodeJson('Node') as Array<{ modelId: string }>;
		const model = await readResource(env, env.client().modelName(modelId));
		expect(model.explanationSpec).toMatchObject({ parameters: { examples: { gcsSource: { uris: ['gs://bucket/examples.jsonl'] } } } });
	});
});
