/** Models: upload (a long-running operation; a taken caller id can mean "use it"), get, list, versions, delete. */
import { VertexValidationError } from '../errors';
import type { CallOptions } from '../http';
import { parseInput } from '../schemas/validate';
import { quoteForMessage } from '../secrets';
import { listModelsResponseSchema, modelSchema, uploadModelInputSchema, type Model, type UploadModelInput } from '../schemas/model';
import { operationSchema, type Operation } from '../schemas/operation';
import { sendJson, withQuery } from '../transport/json';
import { withAdditionalFields } from '../schemas/additionalFields';
import { apiUrl, inApiVersion, type ControlPlane } from './controlPlane';
import { assertKeyInLocation, parentName, resourceName } from '../names';
import { listQuery, type ListOptions } from '../listQuery';
import { collectPages } from './pages';
import { createOrUseExisting } from './reuse';

/**
 * Uploads a model. When `input.modelId` names a model that already exists, `ifExists: 'use'` gives that
 * model (`existing`, nothing uploaded); 'fail' (the default) gives a 409 saying how to reuse it.
 */
export async function uploadModel(
	controlPlane: ControlPlane,
	input: UploadModelInput,
	options: CallOptions = {},
): Promise<{ operation?: Operation; existing?: Model }> {
	const request = parseInput(uploadModelInputSchema, input);
	const named = {
		model: request.model,
		...(request.modelId ? { modelId: request.modelId } : {}),
		...(request.parentModel
			? { parentModel: resourceName('models', request.parentModel, controlPlane, { field: 'parentModel' }) }
			: {}),
		...(request.serviceAccount ? { serviceAccount: request.serviceAccount } : {}),
	};
	assertKeyInLocation(request.model.encryptionSpec?.kmsKeyName, controlPlane, 'model.encryptionSpec.kmsKeyName');
	const body = withAdditionalFields(named, request.additionalFields, 'upload', request.apiVersion);
	controlPlane = inApiVersion(controlPlane, request.apiVersion);
	const url = apiUrl(controlPlane, `${parentName(controlPlane)}/models:upload`, 'projectId');
	const { created, existing } = await createOrUseExisting(
		() => sendJson(controlPlane.sender, { method: 'POST', url, body, signal: options.signal }, operationSchema, 'upload operation'),
		(id) => getModel(controlPlane, id, options),
		{ kind: 'Model', id: request.modelId, idField: 'modelId', parent: parentName(controlPlane), ifExists: request.ifExists },
	);
	return { operation: created, existing };
}

export async function getModel(controlPlane: ControlPlane, idOrName: string, options: CallOptions = {}): Promise<Model> {
	const name = resourceName('models', idOrName, controlPlane, { allowVersion: true });
	return sendJson(controlPlane.sender, { method: 'GET', url: apiUrl(controlPlane, name, 'model'), signal: options.signal }, modelSchema, 'model');
}

export async function listModels(
	controlPlane: ControlPlane,
	options: ListOptions = {},
): Promise<{ models: Model[]; nextPageToken?: string }> {
	const url = withQuery(apiUrl(controlPlane, `${parentName(controlPlane)}/models`, 'projectId'), listQuery(options));
	const page = await sendJson(controlPlane.sender, { method: 'GET', url, signal: options.signal }, listModelsResponseSchema, 'model list');
	return { models: page.models ?? [], ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
}

/** One page of a model's versions (each a Model with its versionId). */
export async function listModelVersions(
	controlPlane: ControlPlane,
	idOrName: string,
	options: ListOptions = {},
): Promise<{ models: Model[]; nextPageToken?: string }> {
	const name = resourceName('models', idOrName, controlPlane);
	const url = withQuery(apiUrl(controlPlane, `${name}:listVersions`, 'model'), listQuery(options));
	const page = await sendJson(controlPlane.sender, { method: 'GET', url, signal: options.signal }, listModelsResponseSchema, 'model version list');
	return { models: page.models ?? [], ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
}

/** "deployed on endpoints/a (deployed model 1), endpoints/b (deployed model 2)", or undefined when not deployed. */
function deployedWhere(model: Model): string | undefined {
	const places = (model.deployedModels ?? []).map(
		(deployed) => `${deployed.endpoint ?? 'an endpoint'}${deployed.deployedModelId ? ` (deployed model ${deployed.deployedModelId})` : ''}`,
	);
	return places.length > 0 ? places.join(', ') : undefined;
}

/**
 * Deletes a model with all its versions. A model still deployed is refused before the delete, naming the
 * endpoints (Vertex refuses it too, with a less helpful message).
 */
export async function deleteModel(controlPlane: ControlPlane, idOrName: string, options: CallOptions = {}): Promise<Operation> {
	const name = resourceName('models', idOrName, controlPlane);
	const versions = await listAllVersions(controlPlane, name, options);
	const deployed = versions.map(deployedWhere).filter(Boolean);
	if (deployed.length > 0) {
		throw new VertexValidationError(
			`Model ${name} is still deployed on ${deployed.join(', ')}: undeploy it there first (Endpoint > Undeploy Model), then delete it.`,
			'model',
			{ readsSent: true },
		);
	}
	return sendJson(
		controlPlane.sender,
		{ method: 'DELETE', url: apiUrl(controlPlane, name, 'model'), signal: options.signal, retry: false },
		operationSchema,
		'delete operation',
	);
}

function listAllVersions(controlPlane: ControlPlane, name: string, options: CallOptions): Promise<Model[]> {
	return collectPages(async (pageToken, pageSize) => {
		const page = await listModelVersions(controlPlane, name, { pageSize, pageToken, signal: options.signal });
		return { entries: page.models, nextPageToken: page.nextPageToken };
	});
}

/** Deletes one version (`model@version`); a deployed version is refused before the delete, naming the endpoints. */
export async function deleteModelVersion(controlPlane: ControlPlane, versionName: string, options: CallOptions = {}): Promise<Operation> {
	const name = resourceName('models', versionName, controlPlane, { allowVersion: true });
	if (!name.includes('@')) {
		throw new VertexValidationError(`model ${quoteForMessage(versionName)} names no version: give model@version (e.g. my-model@2).`, 'model');
	}
	const version = await getModel(controlPlane, name, options);
	const deployed = deployedWhere(version);
	if (deployed) {
		throw new VertexValidationError(`Model version ${name} is still deployed on ${deployed}: undeploy it there first.`, 'model', { readsSent: true });
	}
	return sendJson(
		controlPlane.sender,
		{ method: 'DELETE', url: apiUrl(controlPlane, `${name}:deleteVersion`, 'model'), signal: options.signal, retry: false },
		operationSchema,
		'delete version operation',
	);
}
