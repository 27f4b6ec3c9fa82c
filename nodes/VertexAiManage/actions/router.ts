import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runWithClient } from '../../shared/client';
import { parameterReader, type ParameterReader } from '../../shared/read';
import * as deployedModel from './deployedModel/DeployedModel.resource';
import * as deploymentResourcePool from './deploymentResourcePool/DeploymentResourcePool.resource';
import * as endpoint from './endpoint/Endpoint.resource';
import * as model from './model/Model.resource';
import type { ManageNodeMap, ManageOperation } from './node.type';
import * as operation from './operation/Operation.resource';
import { versionProperties } from './versionDescription';

const resources: { [R in keyof ManageNodeMap]: Record<ManageNodeMap[R], ManageOperation> } = {
	endpoint: endpoint.operations,
	deployedModel: deployedModel.operations,
	deploymentResourcePool: deploymentResourcePool.operations,
	model: model.operations,
	operation: operation.operations,
};

/** Core fields every operation can be refused on, by the parameter that sets them. */
const COMMON_FIELDS: Record<string, string> = {
	endpoint: 'endpoint',
	model: 'model',
	deploymentResourcePool: 'deploymentResourcePool',
	operationName: 'operationName',
};

/** The operation chosen in the node, each value checked against the description's lists. */
function chosenOperation(read: ParameterReader, itemIndex: number): ManageOperation {
	const resource = read.option<keyof ManageNodeMap>(itemIndex, 'resource');
	const operations = resources[resource] as Record<string, ManageOperation>;
	return operations[read.option(itemIndex, 'operation')];
}

/**
 * Runs the chosen operation once per input item with the shared item loop: every item's request prepared (read and
 * checked) before the first is sent, then each item's own request sent; one outcome per item with its pairedItem,
 * "Continue On Fail" giving an error item (for a credential problem too), core validation errors naming the parameter.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const read = parameterReader(this, versionProperties);
	let fields = COMMON_FIELDS;
	const useFieldsOf = (chosen: ManageOperation) => {
		fields = { ...COMMON_FIELDS, ...chosen.coreFields };
	};
	return await runWithClient<{ chosen: ManageOperation; request: unknown }>(
		this,
		async (index, signal, client, { chosen, request }) => {
			useFieldsOf(chosen);
			return await chosen.execute.call(this, { index, signal, client, request });
		},
		{
			parameterOf: {
				label: (field) => read.fieldWords(fields).label(field),
				where: (field) => read.fieldWords(fields).where?.(field),
				optionName: (field, value) => read.fieldWords(fields).optionName?.(field, value),
			},
			prepare: (index) => {
				const chosen = chosenOperation(read, index);
				useFieldsOf(chosen);
				return { chosen, request: chosen.prepare(read, index) };
			},
		},
	);
}
