import { VertexValidationError } from '../errors';
import { normalizeBaseUrl } from '../hosts';
import { checkInvokePath } from './path';

export const INVOKE_API_VERSIONS = ['v1', 'v1beta1'] as const;
export type InvokeApiVersion = (typeof INVOKE_API_VERSIONS)[number];

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

// Project ids may be domain-scoped ("example.com:proj"); the rest are ids Vertex or the caller chose.
const ENDPOINT_NAME = /^projects\/[A-Za-z0-9.:_-]+\/locations\/[a-z0-9-]+\/endpoints\/[A-Za-z0-9_-]+$/;
// Caller-chosen ids are up to 10 digits, server-made ones 19.
const DEPLOYED_MODEL_ID = /^[0-9]{1,20}$/;

/**
 * `{baseUrl}/{apiVersion}/{endpointName}/invoke{path}` for the traffic split, or
 * `{baseUrl}/{apiVersion}/{endpointName}/deployedModels/{id}/invoke{path}` for one deployed model.
 * Everything is validated first; errors are VertexValidationError naming the input field.
 */
export function buildInvokeUrl(input: InvokeUrlInput): string {
	const apiVersion = input.apiVersion ?? 'v1';
	if (!INVOKE_API_VERSIONS.includes(apiVersion)) {
		throw new VertexValidationError(
			`Unknown API version ${JSON.stringify(apiVersion)}; use ${INVOKE_API_VERSIONS.join(' or ')}.`,
			'apiVersion',
		);
	}
	if (typeof input.endpointName !== 'string' || !ENDPOINT_NAME.test(input.endpointName)) {
		throw new VertexValidationError(
			`Invalid endpoint name ${JSON.stringify(input.endpointName)}: expected ` +
				'"projects/{project}/locations/{location}/endpoints/{endpoint id}".',
			'endpoint',
		);
	}
	let target = `${normalizeBaseUrl(input.baseUrl, 'baseUrl')}/${apiVersion}/${input.endpointName}`;
	if (input.deployedModelId !== undefined && input.deployedModelId !== '') {
		if (typeof input.deployedModelId !== 'string' || !DEPLOYED_MODEL_ID.test(input.deployedModelId)) {
			throw new VertexValidationError(
				`Invalid deployed model id ${JSON.stringify(input.deployedModelId)}: it is a number such as ` +
					'"1206978444030640128" (see the endpoint\'s deployedModels).',
				'deployedModelId',
			);
		}
		target += `/deployedModels/${input.deployedModelId}`;
	}
	return `${target}/invoke${checkInvokePath(input.path, input.allowedPathPrefixes)}`;
}
