import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { searchDeploymentResourcePools, sharedMethods } from '../shared/methods';
import { CREDENTIAL_TYPE } from '../shared/parameters';
import { router } from './actions/router';
import { versionProperties } from './actions/versionDescription';

/** Endpoints, models and long-running operations in one node; each operation lives in actions/. */
export class VertexAiManage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vertex AI Manage',
		name: 'vertexAiManage',
		icon: { light: 'file:../shared/vertexAi.svg', dark: 'file:../shared/vertexAi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Manage and clean up what costs money on Vertex AI: endpoints (undeploy models, set traffic splits, delete), models and their versions, and long-running operations',
		defaults: { name: 'Vertex AI Manage' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true, testedBy: 'googleVertexAiCredentialTest' }],
		properties: versionProperties,
	};

	methods = { ...sharedMethods, listSearch: { ...sharedMethods.listSearch, searchDeploymentResourcePools } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
