import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../node.type';
import * as update from './update.operation';

export const operations: ResourceOperations<'deployedModel'> = { update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['deployedModel'] } },
		options: [
			{
				name: 'Update',
				value: 'update',
				description: "Change a live deployment's replicas, autoscaling or container logging",
				action: 'Update a deployed model',
			},
		],
		default: 'update',
	},
	...update.description,
];
