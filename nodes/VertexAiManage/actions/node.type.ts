import type { AllEntities, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { VertexClient } from '../../../lib';

/** The operations of each resource, by their `operation` values. */
export type ManageNodeMap = {
	endpoint: 'get' | 'getAll' | 'undeployModel' | 'updateTrafficSplit' | 'delete';
	model: 'get' | 'getAll' | 'listVersions' | 'delete' | 'deleteVersion';
	operation: 'get' | 'wait' | 'cancel' | 'getAll';
};

/** One `{ resource, operation }` pair the node can run. */
export type VertexAiManageType = AllEntities<ManageNodeMap>;

/**
 * What every operation file exports: its parameters (shown only for its resource and operation), how it
 * runs for one input item, and the labels of the parameters the core's validation errors can name.
 */
export interface ManageOperation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number, signal: AbortSignal, client: VertexClient): Promise<INodeExecutionData[]>;
	/** Core field path (or its first segment) to the parameter's display name. */
	parameterLabels?: Record<string, string>;
}

/** The operations of one resource, keyed by operation value. */
export type ResourceOperations<R extends keyof ManageNodeMap> = Record<ManageNodeMap[R], ManageOperation>;
