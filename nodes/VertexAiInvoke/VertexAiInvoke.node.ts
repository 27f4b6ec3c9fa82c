import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { nodeRun } from '../shared/client';
import { sharedMethods } from '../shared/methods';

import { invokeProperties } from './description';
import { answerItems } from './output';
import { CORE_FIELDS, itemPreparer, nodeFacts, requestToSend, type ItemRequest } from './request';

export { chunkItemJson } from './output';

/** Calls a route of a model server through Vertex's invoke API; parameters in description.ts, requests in request.ts. */
export class VertexAiInvoke implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vertex AI Invoke',
		name: 'vertexAiInvoke',
		icon: { light: 'file:../shared/vertexAi.svg', dark: 'file:../shared/vertexAi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"POST " + $parameter["path"]}}',
		description:
			"Send a request to any route of a model server on a dedicated Vertex AI endpoint (Vertex's invoke API) and return its answer: JSON, text, a file, or a streamed reply as chunks or one joined text",
		defaults: { name: 'Vertex AI Invoke' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'googleVertexAiApi', required: true, testedBy: 'googleVertexAiCredentialTest' }],
		properties: invokeProperties,
	};

	methods = sharedMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { read, runItems } = nodeRun(this, invokeProperties, CORE_FIELDS);
		const prepare = itemPreparer(this, read, nodeFacts(this));
		// Every item's request is read and checked by the core before the first is sent; that request is what is sent.
		return await runItems<ItemRequest>(
			async (i, signal, client, item) => {
				// A request without a file is sent as prepared, with no await before it.
				const request = item.binary ? await requestToSend(this, i, item) : item.prepared;
				const response = await client.invoke(request, { signal, privateEndpoint: item.privateEndpoint });
				return await answerItems(this, i, response, item.output);
			},
			{
				concurrency: () => read.number(0, 'options.concurrency'),
				prepare,
			},
		);
	}
}
