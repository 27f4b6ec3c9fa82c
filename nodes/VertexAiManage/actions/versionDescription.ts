import type { INodeProperties } from 'n8n-workflow';

import * as deployedModel from './deployedModel/DeployedModel.resource';
import * as deploymentResourcePool from './deploymentResourcePool/DeploymentResourcePool.resource';
import * as endpoint from './endpoint/Endpoint.resource';
import * as model from './model/Model.resource';
import * as operation from './operation/Operation.resource';

/**
 * The parameters of version 1: the resource, then each resource's operation choice and the parameters
 * of each operation (shown only for it). The node class holds the rest of the description, where n8n's
 * lint rules read it.
 */
export const versionProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Deployed Model', value: 'deployedModel' },
			{ name: 'Deployment Resource Pool', value: 'deploymentResourcePool' },
			{ name: 'Endpoint', value: 'endpoint' },
			{ name: 'Model', value: 'model' },
			{ name: 'Operation', value: 'operation' },
		],
		default: 'endpoint',
	},
	...deployedModel.description,
	...deploymentResourcePool.description,
	...endpoint.description,
	...model.description,
	...operation.description,
];
