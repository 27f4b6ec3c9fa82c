import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { VertexValidationError } from '../../lib';
import { nodeRun } from '../shared/client';
import { outputItem, withCarriedIds } from '../shared/items';
import { sharedMethods } from '../shared/methods';
import { nodeWaitOptions } from '../shared/operation';
import { properties } from './description';
import { deployOutput } from './output';
import { CORE_FIELDS, prepareDeploy, type PreparedDeploy } from './request';

export class VertexAiDeployModel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vertex AI Deploy Model',
		name: 'vertexAiDeployModel',
		icon: { light: 'file:../shared/vertexAi.svg', dark: 'file:../shared/vertexAi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["machineType"]}}',
		description:
			'Deploy a Vertex AI model to a dedicated endpoint on machines of your choice, and route a share of its traffic to it',
		defaults: { name: 'Vertex AI Deploy Model' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'googleVertexAiApi', required: true, testedBy: 'googleVertexAiCredentialTest' }],
		properties,
	};

	methods = sharedMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { read, runItems } = nodeRun(this, properties, CORE_FIELDS);
		return await runItems<PreparedDeploy>(
			async (i, signal, client, { input, settings }) => {
				const { timeoutMs } = settings;
				const names = { endpoint: client.endpointName(input.endpoint), model: client.modelName(input.model) };
				// The core runs the whole deploy, "Replace It" included; the node maps parameters and output.
				const outcome = await client
					.deploy(input, timeoutMs === undefined ? { wait: false, signal } : nodeWaitOptions(this, timeoutMs, signal))
					.catch((error: unknown) =>
						Promise.reject(
							error instanceof VertexValidationError && error.field === 'resumeOperation' ? settings.refuseResume(error.message) : error,
						),
					);
				const { ids, rest } = deployOutput(outcome, names);
				return [outputItem(i, withCarriedIds(this, i, ids, rest))];
			},
			{ prepare: (i) => prepareDeploy(this.getNode(), read, i) },
		);
	}
}
