import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { clientFromCredential } from '../../shared/client';
import { runForEachItem } from '../../shared/items';
import { CREDENTIAL_TYPE } from '../../shared/parameters';
import * as endpoint from './endpoint/Endpoint.resource';
import * as model from './model/Model.resource';
import type { ManageNodeMap, ManageOperation } from './node.type';
import * as operation from './operation/Operation.resource';

const resources: { [R in keyof ManageNodeMap]: Record<ManageNodeMap[R], ManageOperation> } = {
	endpoint: endpoint.operations,
	model: model.operations,
	operation: operation.operations,
};

/** Core fields every operation can be refused on, by the parameter that sets them. */
const commonLabels: Record<string, string> = {
	endpoint: 'Endpoint',
	model: 'Model',
	operationName: 'Operation Name',
};

/** The operation chosen in the node (the same for every item: neither parameter takes expressions). */
function chosenOperation(ctx: IExecuteFunctions): ManageOperation {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const name = ctx.getNodeParameter('operation', 0) as string;
	const operations = Object.hasOwn(resources, resource) ? (resources[resource as keyof ManageNodeMap] as Record<string, ManageOperation>) : undefined;
	const chosen = operations && Object.hasOwn(operations, name) ? operations[name] : undefined;
	if (!chosen) {
		throw new NodeOperationError(ctx.getNode(), `The operation "${name}" of resource "${resource}" is not supported.`);
	}
	return chosen;
}

/**
 * Runs the chosen operation once per input item with the shared item loop: one outcome per item with its
 * pairedItem, "Continue On Fail" giving an error item, core validation errors naming the parameter.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const chosen = chosenOperation(this);
	const labels = { ...commonLabels, ...chosen.parameterLabels };
	const client = clientFromCredential(await this.getCredentials(CREDENTIAL_TYPE));
	return await runForEachItem(this, (itemIndex, signal) => chosen.execute.call(this, itemIndex, signal, client), {
		// `trafficSplit.123` or `trafficSplit` both name "Traffic Split".
		parameterOf: (field) => labels[field] ?? labels[field.split(/[.[]/)[0]],
	});
}
