import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../node.type';
import * as cancel from './cancel.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as wait from './wait.operation';

export const operations: ResourceOperations<'operation'> = { cancel, get, getAll, wait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['operation'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Ask Vertex AI to cancel a long-running operation',
				action: 'Cancel an operation',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the state of a long-running operation: done, failed, stage',
				action: 'Get an operation',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the long-running operations of an endpoint or a model',
				action: 'List operations',
			},
			{
				name: 'Wait',
				value: 'wait',
				description: 'Wait until a long-running operation is done',
				action: 'Wait for an operation',
			},
		],
		default: 'get',
	},
	...cancel.description,
	...get.description,
	...getAll.description,
	...wait.description,
];
