import type { AllEntities, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { VertexClient } from '../../../lib';
import type { ParameterReader } from '../../shared/read';

/** The operations of each resource, by their `operation` values. */
export type ManageNodeMap = {
	endpoint: 'get' | 'getAll' | 'undeployModel' | 'updateTrafficSplit' | 'delete';
	model: 'get' | 'getAll' | 'listVersions' | 'delete' | 'deleteVersion';
	operation: 'get' | 'wait' | 'cancel' | 'getAll';
};

/** One `{ resource, operation }` pair the node can run. */
export type VertexAiManageType = AllEntities<ManageNodeMap>;

/** One input item as an operation runs it: its index, the signal to pass on, the client and the parameter reader. */
export interface ManageItem {
	index: number;
	signal: AbortSignal;
	client: VertexClient;
	read: ParameterReader;
}

/**
 * What every operation file exports: its parameters (shown only for its resource and operation), how it
 * runs for one input item, and which parameters set the core fields its validation errors can name.
 */
export interface ManageOperation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, item: ManageItem): Promise<INodeExecutionData[]>;
	/** Core field path (or a prefix of it) to the parameter that sets it; labels come from the description. */
	coreFields?: Record<string, string>;
}

/** The operations of one resource, keyed by operation value. */
export type ResourceOperations<R extends keyof ManageNodeMap> = Record<ManageNodeMap[R], ManageOperation>;
