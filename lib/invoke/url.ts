import { VertexValidationError } from '../errors';
import { assertRequestUrl, normalizeBaseUrl } from '../hosts';
import { ENDPOINT_NAME_PATTERN } from '../resources/names';
import { DEPLOYED_MODEL_ID_PATTERN } from '../schemas/common';
import { quoteForMessage } from '../secrets';
import { checkInvokePath } from './path';
import { INVOKE_API_VERSIONS, type InvokeApiVersion } from './policy';

export interface InvokeUrlInput {
	/** Data-plane base: `https://{dedicatedEndpointDns}`, or a custom base URL (Private Service Connect, emulator). */
	baseUrl: string;
	/** `projects/{p}/locations/{l}/endpoints/{e}`. */
	endpointName: string;
	/** The model server's route, e.g. `/v1/chat/completions` (see path.ts for the rules). */
	path: string;
	/** Call this deployed model directly instead of going through the endpoint's traffic split ('' = not set). */
	deployedModelId?: string;
	allowedPathPrefixes?: readonly string[];
	/** Default 'v1'. */
	apiVersion?: InvokeApiVersion;
}

/**
 * `{baseUrl}/{apiVersion}/{endpointName}/invoke{path}` for the traffic split, or
 * `{baseUrl}/{apiVersion}/{endpointName}/deployedModels/{id}/invoke{path}` for one deployed model.
 * Everything is validated first (the endpoint name against Vertex's id grammar, the deployed model id as a number,
 * the path by path.ts), then the URL is checked as every built URL is (lib/hosts.ts assertRequestUrl: under
 * `{baseUrl}/{apiVersion}/projects/{p}/locations/{l}/`, unchanged once parsed); errors are VertexValidationError
 * naming the input field.
 */
export function buildInvokeUrl(input: InvokeUrlInput): string {
	const apiVersion = checkApiVersion(input.apiVersion);
	const deployedModelId = checkDeployedModelId(input.deployedModelId);
	const encodedPath = checkInvokePath(input.path, input.allowedPathPrefixes);
	return invokeUrl(input.baseUrl, input.endpointName, encodedPath, deployedModelId, apiVersion);
}

/** The API version to call, default 'v1'. */
export function checkApiVersion(apiVersion: InvokeApiVersion | undefined): InvokeApiVersion {
	const version = apiVersion ?? 'v1';
	if (!INVOKE_API_VERSIONS.includes(version)) {
		throw new VertexValidationError(
			`Unknown API version ${quoteForMessage(version)}; use ${INVOKE_API_VERSIONS.join(' or ')}.`,
			'apiVersion',
		);
	}
	return version;
}

/** The deployed model id to pin, or undefined for the traffic split ('' = not set). */
export function checkDeployedModelId(deployedModelId: string | undefined): string | undefined {
	if (deployedModelId === undefined || deployedModelId === '') return undefined;
	if (typeof deployedModelId !== 'string' || !DEPLOYED_MODEL_ID_PATTERN.test(deployedModelId)) {
		throw new VertexValidationError(
			`Invalid deployed model id ${quoteForMessage(deployedModelId)}: it is a number such as ` +
				'"1206978444030640128" (see the endpoint\'s deployedModels).',
			'deployedModelId',
		);
	}
	return deployedModelId;
}

/** The invoke URL from parts already checked (path encoded by checkInvokePath), checked once more as a whole. */
export function invokeUrl(
	baseUrl: string,
	endpointName: string,
	encodedPath: string,
	deployedModelId: string | undefined,
	apiVersion: InvokeApiVersion,
): string {
	const scope = typeof endpointName === 'string' ? ENDPOINT_NAME_PATTERN.exec(endpointName) : null;
	if (!scope) {
		throw new VertexValidationError(
			`Invalid endpoint name ${quoteForMessage(endpointName)}: expected ` +
				'"projects/{project}/locations/{location}/endpoints/{endpoint id}".',
			'endpoint',
		);
	}
	const base = `${normalizeBaseUrl(baseUrl, 'baseUrl')}/${apiVersion}`;
	const prefix = `${base}/projects/${scope[1]}/locations/${scope[2]}/`;
	const endpoint = `${base}/${endpointName}/`;
	const target = deployedModelId === undefined ? endpoint : `${endpoint}deployedModels/${deployedModelId}/`;
	try {
		return assertRequestUrl(`${target}invoke${encodedPath}`, prefix, 'path');
	} catch (error) {
		// Name the part that moved the URL: the endpoint, the deployed model, else the path.
		assertRequestUrl(endpoint, prefix, 'endpoint');
		assertRequestUrl(target, prefix, 'deployedModelId');
		throw error;
	}
}
