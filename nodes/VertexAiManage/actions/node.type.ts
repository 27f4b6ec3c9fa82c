import type { AllEntities, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { VertexClient } from '../../../lib';
import type { ParameterReader } from '../../shared/read';

/** The operations of each resource, by their `operation` values. */
export type ManageNodeMap = {
	endpoint: 'get' | 'getAll' | 'undeployModel' | 'update' | 'updateTrafficSplit' | 'delete';
	deployedModel: 'update';
	deploymentResourcePool: 'create' | 'get' | 'getAll' | 'delete';
	model: 'get' | 'getAll' | 'listVersions' | 'update' | 'delete' | 'deleteVersion';
	operation: 'get' | 'wait' | 'cancel' | 'getAll';
};

/** One `{ resource, operation }` pair the node can run. */
export type VertexAiManageType = AllEntities<ManageNodeMap>;

/** One input item as an operation runs it: its index, the signal to pass on, the client and its prepared request. */
export interface ManageItem<Request> {
	index: number;
	signal: AbortSignal;
	client: VertexClient;
	request: Request;
}

/** A list's "Filter" and how many entries to return (Infinity for "Return All"). */
export interface ListRequest {
	filter: string | undefined;
	limit: number;
}

/**
 * What every operation file exports: its parameters (shown only for its resource and operation), how it reads and
 * checks one item's parameters into its request (before any item sends one), how it sends that request, and which
 * parameters set the core fields its validation errors can name.
 */
export interface ManageOperation<Request = unknown> {
	description: INodeProperties[];
	/** Reads and checks every parameter the operation uses; sends nothing. */
	prepare(read: ParameterReader, itemIndex: number): Request;
	/** Sends the prepared request, reading no parameter. */
	execute(this: IExecuteFunctions, item: ManageItem<Request>): Promise<INodeExecutionData[]>;
	/** Core field path (or a prefix of it) to the parameter that sets it; labels come from the description. */
	coreFields?: Record<string, string>;
}

/** The operations of one resource, keyed by operation value. */
export type ResourceOperations<R extends keyof ManageNodeMap> = Record<ManageNodeMap[R], ManageOperation>;
