/** Models: upload (a long-running operation), get, list, delete. */
import { parseInput } from '../schemas/validate';
import { listModelsResponseSchema, modelSchema, uploadModelInputSchema, type Model, type UploadModelInput } from '../schemas/model';
import { operationSchema, type Operation } from '../schemas/operation';
import { sendJson, withQuery } from '../transport/json';
import { apiUrl, type ControlPlane, type ListOptions } from './controlPlane';
import { parentName, resourceName } from './names';
import { listQuery } from './listQuery';
import { createOrUseExisting, type IfExists } from './reuse';

export async function uploadModel(controlPlane: ControlPlane, input: UploadModelInput, signal?: AbortSignal): Promise<Operation> {
	const request = parseInput(uploadModelInputSchema, input);
	const body = {
		model: request.model,
		...(request.modelId ? { modelId: request.modelId } : {}),
		...(request.parentModel
			? { parentModel: resourceName('models', request.parentModel, controlPlane, { field: 'parentModel' }) }
			: {}),
		...(request.serviceAccount ? { serviceAccount: request.serviceAccount } : {}),
	};
	return sendJson(
		controlPlane.sender,
		{ method: 'POST', url: apiUrl(controlPlane, `${parentName(controlPlane)}/models:upload`), body, signal },
		operationSchema,
		'upload operation',
	);
}

/**
 * Uploads; when `input.modelId` names a model that already exists, returns that model instead (`ifExists`
 * 'use', the default here: a re-run of a workflow then goes on) or fails saying how to reuse it ('fail').
 */
export async function uploadModelOrUseExisting(
	controlPlane: ControlPlane,
	input: UploadModelInput,
	signal?: AbortSignal,
	ifExists: IfExists = 'use',
): Promise<{ operation?: Operation; existing?: Model }> {
	const { created, existing } = await createOrUseExisting(
		() => uploadModel(controlPlane, input, signal),
		(id) => getModel(controlPlane, id, signal),
		{ kind: 'Model', id: input.modelId?.trim() || undefined, idField: 'modelId', parent: parentName(controlPlane), ifExists },
	);
	return { operation: created, existing };
}

export async function getModel(controlPlane: ControlPlane, idOrName: string, signal?: AbortSignal): Promise<Model> {
	const name = resourceName('models', idOrName, controlPlane, { allowVersion: true });
	return sendJson(controlPlane.sender, { method: 'GET', url: apiUrl(controlPlane, name), signal }, modelSchema, 'model');
}

export async function listModels(
	controlPlane: ControlPlane,
	options: ListOptions = {},
	signal?: AbortSignal,
): Promise<{ models: Model[]; nextPageToken?: string }> {
	const url = withQuery(apiUrl(controlPlane, `${parentName(controlPlane)}/models`), listQuery(options));
	const page = await sendJson(controlPlane.sender, { method: 'GET', url, signal }, listModelsResponseSchema, 'model list');
	return { models: page.models ?? [], ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
}

export async function deleteModel(controlPlane: ControlPlane, idOrName: string, signal?: AbortSignal): Promise<Operation> {
	const name = resourceName('models', idOrName, controlPlane);
	return sendJson(
		controlPlane.sender,
		{ method: 'DELETE', url: apiUrl(controlPlane, name), signal, retry: false },
		operationSchema,
		'delete operation',
	);
}
