import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { DEPLOYMENT_RESOURCE_POOL, poolOutput, type DeploymentResourcePool } from '../../../../lib';

/** Resource locator for a deployment resource pool: picked from the location's pools, or its id or resource name. */
export const poolLocator: INodeProperties = {
	displayName: 'Deployment Resource Pool',
	name: 'deploymentResourcePool',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The pool: pick it from the list, or give its ID or resource name',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a pool...',
			typeOptions: { searchListMethod: 'searchDeploymentResourcePools', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. gpu-pool-1 or projects/p/locations/l/deploymentResourcePools/gpu-pool-1',
			validation: [
				{
					type: 'regex',
					properties: { regex: `^${DEPLOYMENT_RESOURCE_POOL.source}$`, errorMessage: 'Not a valid deployment resource pool ID or resource name' },
				},
			],
		},
	],
};

/** A pool as Vertex returns it, with its bare id beside its name. */
export function poolJson(pool: DeploymentResourcePool): IDataObject {
	return poolOutput(pool) as IDataObject;
}
