/** Models: upload (a long-running operation), get, list, delete. */
import { isAlreadyExists } from '../errors';
import { parseInput } from '../schemas/validate';
import { listModelsResponseSchema, modelSchema, uploadModelInputSchema, type Model, type UploadModelInput } from '../schemas/model';
import { operationSchema, type Operation } from '../schemas/operation';
import { sendJson, withQuery } from '../transport/json';
import { apiUrl, type ControlPlane, type ListOptions } from './controlPlane';
import { parentName, resourceName } from './names';
import { listQuery } from './listQuery';

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
 * Uploads, or, when `input.modelId` names a model that already exists, returns that model instead: a
 * re-run of a workflow then goes on rather than failing on 409.
 */
export async function uploadModelOrUseExisting(
	controlPlane: ControlPlane,
	input: UploadModelInput,
	signal?: AbortSignal,
): Promise<{ operation?: Operation; existing?: Model }> {
	try {
		return { operation: await uploadModel(controlPlane, input, signal) };
	} catch (error) {
		if (!isAlreadyExists(error) || !input.modelId?.trim()) throw error;
		return { existing: await getModel(controlPlane, input.modelId.trim(), signal) };
	}
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
