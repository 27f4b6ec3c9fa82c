import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { MODEL_VERSION, modelAtVersion, NO_RESULT, resourceId } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { operationFields, startOrResumeOperation, waitParameters, waitSettings, type WaitSettings } from '../../../shared/operation';
import { modelLocator } from '../../../shared/parameters';
import type { ParameterReader } from '../../../shared/read';
import type { ManageItem } from '../node.type';

const properties: INodeProperties[] = [
	{
		...modelLocator,
		description: 'The model the version belongs to, without @version: the version goes in Version below',
	},
	{
		displayName: 'Version',
		name: 'version',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 2 or staging',
		description:
			"The version to delete: its version ID or one of its aliases. The model's default version cannot be deleted (delete the model instead), nor a deployed one.",
	},
	...waitParameters(60),
];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['deleteVersion'] } }, properties);

export const coreFields: Record<string, string> = { version: 'version' };

interface DeleteVersionRequest {
	model: string;
	version: string;
	settings: WaitSettings;
}

/** The model (without a version), the version, and the wait. */
export function prepare(read: ParameterReader, itemIndex: number): DeleteVersionRequest {
	const model = read.locator(itemIndex, 'model');
	const version = read.text(itemIndex, 'version', {
		required: true,
		pattern: MODEL_VERSION.pattern,
		rule: MODEL_VERSION.rule,
	});
	// The core's rule: the model names no version of its own.
	modelAtVersion(model, version);
	return { model, version, settings: waitSettings(read, itemIndex) };
}

/** Deletes one version (`model@version`); refused by the core while it is deployed. */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<DeleteVersionRequest>,
): Promise<INodeExecutionData[]> {
	const { model, version, settings } = request;
	const name = client.modelName(model);
	const { operation, result } = await startOrResumeOperation(this, client, settings, NO_RESULT, signal, () =>
		client.deleteModelVersion(modelAtVersion(model, version), { signal }),
	);
	return [
		outputItem(itemIndex, {
			model: name,
			modelId: resourceId(name),
			versionId: version,
			deleted: result !== undefined,
			...operationFields(operation),
		}),
	];
}
