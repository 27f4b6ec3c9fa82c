import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { VertexClient } from '../../../lib';

import { runWithClient } from '../../shared/client';
import { toNodeError } from '../../shared/errors';
import { parameterReader, type ParameterReader } from '../../shared/read';
import * as endpoint from './endpoint/Endpoint.resource';
import * as model from './model/Model.resource';
import type { ManageNodeMap, ManageOperation } from './node.type';
import * as operation from './operation/Operation.resource';
import { versionProperties } from './versionDescription';

const resources: { [R in keyof ManageNodeMap]: Record<ManageNodeMap[R], ManageOperation> } = {
	endpoint: endpoint.operations,
	model: model.operations,
	operation: operation.operations,
};

/** Core fields every operation can be refused on, by the parameter that sets them. */
const COMMON_FIELDS: Record<string, string> = {
	endpoint: 'endpoint',
	model: 'model',
	operationName: 'operationName',
};

/** Thrown by the dry-run client at an operation's first call: its parameters read so far were all valid. */
const FIRST_CALL = Symbol('first client call');

/**
 * A client that sends nothing: an operation run with it reads and checks its parameters up to its first call of the
 * client, and stops there. That is how every item is checked before the first item sends a request.
 */
const dryRunClient = new Proxy({} as VertexClient, {
	get: () => () => {
		throw FIRST_CALL;
	},
});

/** The operation chosen in the node, each value checked against the description's lists. */
function chosenOperation(read: ParameterReader, itemIndex: number): ManageOperation {
	const resource = read.option<keyof ManageNodeMap>(itemIndex, 'resource');
	const operations = resources[resource] as Record<string, ManageOperation>;
	return operations[read.option(itemIndex, 'operation')];
}

/**
 * Runs the chosen operation once per input item with the shared item loop: one outcome per item with its
 * pairedItem, "Continue On Fail" giving an error item (for a credential problem too), core validation errors
 * naming the parameter.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const read = parameterReader(this, versionProperties);
	let fields = COMMON_FIELDS;
	return await runWithClient(
		this,
		async (index, signal, client) => {
			const chosen = chosenOperation(read, index);
			fields = { ...COMMON_FIELDS, ...chosen.coreFields };
			return await chosen.execute.call(this, { index, signal, client, read });
		},
		{
			parameterOf: {
				label: (field) => read.fieldWords(fields).label(field),
				where: (field) => read.fieldWords(fields).where?.(field),
				optionName: (field, value) => read.fieldWords(fields).optionName?.(field, value),
			},
			prepare: async (index) => {
				const chosen = chosenOperation(read, index);
				fields = { ...COMMON_FIELDS, ...chosen.coreFields };
				try {
					await chosen.execute.call(this, { index, signal: new AbortController().signal, client: dryRunClient, read });
				} catch (error) {
					if (error !== FIRST_CALL) throw toNodeError(this.getNode(), error, index, read.fieldWords(fields));
				}
			},
		},
	);
}
