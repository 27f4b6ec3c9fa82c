import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../node.type';
import * as create from './create.operation';
import * as deletePool from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export const operations: ResourceOperations<'deploymentResourcePool'> = { create, delete: deletePool, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['deploymentResourcePool'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create a pool of machines several deployed models share', action: 'Create a deployment resource pool' },
			{ name: 'Delete', value: 'delete', description: 'Delete a pool no deployed model uses', action: 'Delete a deployment resource pool' },
			{ name: 'Get', value: 'get', description: 'Get a pool with its machines and replicas', action: 'Get a deployment resource pool' },
			{ name: 'Get Many', value: 'getAll', description: 'List the pools of the project and location', action: 'List deployment resource pools' },
		],
		default: 'get',
	},
	...create.description,
	...deletePool.description,
	...get.description,
	...getAll.description,
];
