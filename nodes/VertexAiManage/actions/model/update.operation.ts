import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { VERSION_ALIAS, type UpdateModelInput } from '../../../../lib';
import { outputItem } from '../../../shared/items';
import { labelsOf, labelsOption, modelLocator, modelOfItem } from '../../../shared/parameters';
import { modelJson } from '../common';
import type { ManageItem } from '../node.type';
import type { ParameterReader } from '../../../shared/read';

const aliasListProperty = (name: string, displayName: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	typeOptions: { multipleValues: true },
	default: [],
	placeholder: 'e.g. prod',
	description,
});

const properties: INodeProperties[] = [
	{
		...modelLocator,
		description:
			'The model to change. Version aliases change on the version given as @version (e.g. my-model@2, or my-model@prod) or by a console URL of a version, else on the default version; the name, description and labels are the model\'s own.',
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here change; everything else about the model stays as it is',
		options: [
			aliasListProperty(
				'addVersionAliases',
				'Add Version Aliases',
				'Aliases to give the version (e.g. prod, canary); its other aliases stay. Vertex AI moves an alias another version holds.',
			),
			{ displayName: 'Description', name: 'description', type: 'string', default: '', description: 'The new description; empty clears it' },
			{ displayName: 'Display Name', name: 'displayName', type: 'string', default: '', description: 'The new display name (up to 128 characters)' },
			{ ...labelsOption, description: "The model's labels after the change: they replace all its labels (added with no label, they clear them)" },
			aliasListProperty(
				'removeVersionAliases',
				'Remove Version Aliases',
				'Aliases to take from the version; its other aliases stay. "default" cannot be removed: add it to another version instead.',
			),
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['model'], operation: ['update'] } }, properties);

export const coreFields: Record<string, string> = {
	displayName: 'updateFields.displayName',
	description: 'updateFields.description',
	labels: 'updateFields.labels',
	addVersionAliases: 'updateFields.addVersionAliases',
	removeVersionAliases: 'updateFields.removeVersionAliases',
	input: 'updateFields',
};

/** The fields added under "Update Fields" as the core's update, every alias checked. */
export function prepare(read: ParameterReader, itemIndex: number): UpdateModelInput {
	const set = (field: string) => read.raw(itemIndex, `updateFields.${field}`, null) != null;
	const aliases = (field: string) =>
		set(field)
			? read.list(itemIndex, `updateFields.${field}`).map((alias) => read.checkText(itemIndex, `updateFields.${field}`, alias, VERSION_ALIAS))
			: undefined;
	return {
		model: modelOfItem(read, itemIndex),
		...(set('displayName') ? { displayName: read.text(itemIndex, 'updateFields.displayName') } : {}),
		...(set('description') ? { description: read.text(itemIndex, 'updateFields.description') } : {}),
		...(set('labels') ? { labels: labelsOf(read, itemIndex, 'updateFields.labels') ?? {} } : {}),
		...(set('addVersionAliases') ? { addVersionAliases: aliases('addVersionAliases') } : {}),
		...(set('removeVersionAliases') ? { removeVersionAliases: aliases('removeVersionAliases') } : {}),
	};
}

/** Changes the model; the output is the model after it, with what changed in the version's aliases. */
export async function execute(
	this: IExecuteFunctions,
	{ index: itemIndex, signal, client, request }: ManageItem<UpdateModelInput>,
): Promise<INodeExecutionData[]> {
	const { model, versionAliases } = await client.updateModel(request, { signal });
	return [outputItem(itemIndex, { ...modelJson(model), ...(versionAliases ? { versionAliasChange: versionAliases as unknown as IDataObject } : {}) })];
}
