import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { resourceId, UPLOAD_MODEL } from '../../lib';
import { nodeRun } from '../shared/client';
import { outputItem, withCarriedIds } from '../shared/items';
import { sharedMethods } from '../shared/methods';
import { operationFields, startOrReuse } from '../shared/operation';
import { properties } from './description';
import { CORE_FIELDS, prepareUpload, type PreparedUpload } from './request';

export class VertexAiUploadModel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vertex AI Upload Model',
		name: 'vertexAiUploadModel',
		icon: { light: 'file:../shared/vertexAi.svg', dark: 'file:../shared/vertexAi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["displayName"]}}',
		description:
			'Register a model server container image in Vertex AI Model Registry, ready to deploy; by default every route of the server is callable through invoke',
		defaults: { name: 'Vertex AI Upload Model' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'googleVertexAiApi', required: true, testedBy: 'googleVertexAiCredentialTest' }],
		properties,
	};

	methods = sharedMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { read, runItems } = nodeRun(this, properties, CORE_FIELDS);
		return await runItems<PreparedUpload>(
			async (i, signal, client, { request, settings }) => {
				const { operation, result, existing } = await startOrReuse(this, client, settings, UPLOAD_MODEL, signal, () =>
					client.uploadModel(request, { signal }),
				);
				const model = existing?.name ?? result?.model;
				const ids: IDataObject = model
					? { modelId: resourceId(model), modelVersionId: existing?.versionId ?? result?.modelVersionId ?? null, model }
					: {};
				return [outputItem(i, withCarriedIds(this, i, ids, { existed: existing !== undefined, ...operationFields(operation) }))];
			},
			{ prepare: (i) => prepareUpload(read, i) },
		);
	}
}
