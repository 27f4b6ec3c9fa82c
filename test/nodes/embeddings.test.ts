/**
 * The Vertex AI Embeddings sub-node through n8n-core's engine: a root node of the test (as a vector store is)
 * takes the embeddings from its ai_embedding input and calls embedDocuments / embedQuery, which go to the sample
 * model server's /v1/embeddings through invoke. Each call is recorded on the sub-node's run data.
 */
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
} from 'n8n-workflow';

import { VertexAiEmbeddings } from '../../nodes/VertexAiEmbeddings/VertexAiEmbeddings.node';
import type { WorkflowRunResult } from '../harness/n8n-engine';
import { refusedOptions } from './description-ranges';
import { PACKAGE, deployModel, emulatorWithCredential, locator, probeDescription, runSubNode, type DeployedModel, type NodeEnv } from './support';

const EMBEDDINGS = `${PACKAGE}.vertexAiEmbeddings`;
const PROBE = 'test.embeddingsProbe';
const DOCUMENTS = ['alpha', 'beta gamma', 'delta', 'epsilon', 'zeta'];

class EmbeddingsProbe implements INodeType {
	description = probeDescription('Embeddings Probe', 'embeddingsProbe', 'Calls the connected embeddings', NodeConnectionTypes.AiEmbedding);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const embeddings = (await this.getInputConnectionData(NodeConnectionTypes.AiEmbedding, 0)) as {
			embedDocuments(texts: string[]): Promise<number[][]>;
			embedQuery(text: string): Promise<number[]>;
		};
		const documents = await embeddings.embedDocuments(DOCUMENTS);
		const query = await embeddings.embedQuery('beta gamma');
		return [[{ json: { documents, query }, pairedItem: { item: 0 } }]];
	}
}

let env: NodeEnv;
let sample: DeployedModel;

beforeAll(async () => {
	env = await emulatorWithCredential();
	sample = await deployModel(env, { modelId: 'embedder', endpointId: 'embedder-endpoint' });
}, 60_000);

afterAll(async () => {
	await env?.close();
});

async function probe(parameters: IDataObject = {}): Promise<WorkflowRunResult> {
	return await runSubNode(env, {
		connection: NodeConnectionTypes.AiEmbedding,
		probe: { type: PROBE, nodeType: EmbeddingsProbe },
		subNode: { name: 'Embeddings', type: EMBEDDINGS, nodeType: VertexAiEmbeddings, parameters: { endpoint: locator(sample.endpointId), ...parameters } as INodeParameters },
	});
}

it('embeds documents in batches and a query, in order, with the model /v1/models lists, and records each call', async () => {
	const before = env.emulator.requestLog('forwarded').length;
	const result = await probe({ options: { batchSize: 2, dimensions: 16 } });
	if (result.error) throw new Error(`${result.error.message} ${result.error.description ?? ''}`);
	const { documents, query } = result.lastNodeJson('Probe')[0] as { documents: number[][]; query: number[] };
	expect(documents).toHaveLength(5);
	for (const vector of [...documents, query]) {
		expect(vector).toHaveLength(16);
		expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
	}
	// The same text gives the same vector: the query is the second document.
	expect(query).toEqual(documents[1]);
	expect(documents[0]).not.toEqual(documents[1]);
	const routes = env.emulator.requestLog('forwarded').slice(before).map((entry) => entry.path);
	expect(routes).toEqual(['/v1/models', '/v1/embeddings', '/v1/embeddings', '/v1/embeddings', '/v1/embeddings']);
	const calls = result.runData.Embeddings?.map((run) => run.data?.[NodeConnectionTypes.AiEmbedding]?.[0]?.[0]?.json);
	expect(calls).toHaveLength(2);
	expect((calls?.[0]?.response as number[][]).length).toBe(5);
});

it('a route that answers no vectors fails with the server\'s status, recorded on the sub-node too', async () => {
	const result = await probe({ routePrefix: '/nowhere', modelSource: 'none' });
	expect(result.status).toBe('error');
	expect(`${result.error?.message} ${result.error?.description}`).toMatch(/404/);
	expect(result.nodeError('Embeddings')).toBeDefined();
});

it.each(refusedOptions(new VertexAiEmbeddings().description).map((refused) => [refused.name, refused.value, refused]))(
	'refuses Options %s = %p before any request, with the label and range of the description',
	async (name, value, { refusal }) => {
		const before = env.emulator.requestLog().length;
		const result = await probe({ options: { [name]: value } });
		expect(result.status).toBe('error');
		expect(result.error?.description).toContain(refusal);
		expect(env.emulator.requestLog().length).toBe(before);
	},
);
