import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../node.type';
import * as deleteEndpoint from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';
import * as undeployModel from './undeployModel.operation';
import * as updateTrafficSplit from './updateTrafficSplit.operation';

export const operations: ResourceOperations<'endpoint'> = {
	update,
	delete: deleteEndpoint,
	get,
	getAll,
	undeployModel,
	updateTrafficSplit,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['endpoint'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an endpoint, optionally undeploying its models first',
				action: 'Delete an endpoint',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an endpoint with its deployed models and traffic split',
				action: 'Get an endpoint',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the endpoints of the project and location',
				action: 'List endpoints',
			},
			{
				name: 'Undeploy Model',
				value: 'undeployModel',
				description: 'Remove a deployed model from an endpoint, releasing its machines',
				action: 'Undeploy a model from an endpoint',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Change an endpoint's name, description, labels, inference timeout or request-response logging",
				action: 'Update an endpoint',
			},
			{
				name: 'Update Traffic Split',
				value: 'updateTrafficSplit',
				description: "Set how an endpoint's traffic is shared among its deployed models",
				action: 'Update the traffic split of an endpoint',
			},
		],
		default: 'get',
	},
	...deleteEndpoint.description,
	...get.description,
	...getAll.description,
	...undeployModel.description,
	...update.description,
	...updateTrafficSplit.description,
];
