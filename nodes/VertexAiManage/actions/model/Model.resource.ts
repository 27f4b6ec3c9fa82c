import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../node.type';
import * as deleteModel from './delete.operation';
import * as deleteVersion from './deleteVersion.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';
import * as listVersions from './listVersions.operation';

export const operations: ResourceOperations<'model'> = {
	update,
	delete: deleteModel,
	deleteVersion,
	get,
	getAll,
	listVersions,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['model'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a model with all its versions',
				action: 'Delete a model',
			},
			{
				name: 'Delete Version',
				value: 'deleteVersion',
				description: 'Delete one version of a model',
				action: 'Delete a model version',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a model, or one version of it',
				action: 'Get a model',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the models of the project and location',
				action: 'List models',
			},
			{
				name: 'List Versions',
				value: 'listVersions',
				description: 'List the versions of a model',
				action: 'List the versions of a model',
			},
			{
				name: 'Update',
				value: 'update',
				description: "Change a model's name, description or labels, or a version's aliases",
				action: 'Update a model',
			},
		],
		default: 'get',
	},
	...deleteModel.description,
	...deleteVersion.description,
	...get.description,
	...getAll.description,
	...listVersions.description,
	...update.description,
];
