import {
	NodeConnectionTypes,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type ISupplyDataFunctions,
	type SupplyData,
} from 'n8n-workflow';

import { sharedMethods } from '../shared/methods';
import { maxRetriesOption, modelNameProperties, targetProperties, timeoutOption } from '../shared/openAi';
import { parameterReader } from '../shared/read';
import { extraBodyOf, readSubNodeItem, sentNumber } from '../shared/subNode';
import { VertexInvokeEmbeddings } from './embeddings';

const properties: INodeProperties[] = [
	{
		displayName:
			'Connect this node to a vector store or retriever. Its embedding model is the one your endpoint serves (e.g. vLLM or TEI with an OpenAI-compatible /v1/embeddings route), called through Vertex AI invoke.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	...targetProperties,
	...modelNameProperties('/embeddings'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 2048, numberPrecision: 0 },
				default: 64,
				description: 'How many texts one request embeds',
			},
			{
				displayName: 'Dimensions',
				name: 'dimensions',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1000000, numberPrecision: 0 },
				default: 0,
				description: 'The length of the vectors, for models that can shorten them (sent as "dimensions"). 0 sends none.',
			},
			{
				displayName: 'Extra Body Fields',
				name: 'extraBody',
				type: 'json',
				default: '{}',
				description: 'A JSON object merged into every request body after the fields above, e.g. {"truncate_prompt_tokens": 512}. The input is set by the node.',
			},
			maxRetriesOption,
			timeoutOption,
		],
	},
];

export class VertexAiEmbeddings implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vertex AI Embeddings',
		name: 'vertexAiEmbeddings',
		icon: { light: 'file:../shared/vertexAi.svg', dark: 'file:../shared/vertexAi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"invoke " + ($parameter["routePrefix"] || "") + "/embeddings"}}',
		description: 'Embeddings from your own model on a dedicated Vertex AI endpoint (an OpenAI-compatible /v1/embeddings behind invoke), for vector stores',
		defaults: { name: 'Vertex AI Embeddings' },
		inputs: [],
		outputs: [NodeConnectionTypes.AiEmbedding],
		outputNames: ['Embeddings'],
		credentials: [{ name: 'googleVertexAiApi', required: true, testedBy: 'googleVertexAiCredentialTest' }],
		properties,
	};

	methods = sharedMethods;

	async supplyData(this: ISupplyDataFunctions, itemIndex: number): Promise<SupplyData> {
		const read = parameterReader(this, properties);
		const { target, modelName, toError } = await readSubNodeItem(this, read, itemIndex);
		const embeddings = new VertexInvokeEmbeddings(this, {
			target,
			modelName,
			batchSize: read.number(itemIndex, 'options.batchSize'),
			// 0 (the default) sends none.
			dimensions: sentNumber(read, itemIndex, 'options.dimensions', 1),
			extraBody: extraBodyOf(read, itemIndex, ['input']),
			toError,
		});
		return { response: embeddings };
	}
}
