import { VertexValidationError } from '../errors';
import { assertRequestUrl, normalizeBaseUrl } from '../hosts';
import { ENDPOINT_NAME_PATTERN } from '../resources/names';
import { DEPLOYED_MODEL_ID_PATTERN } from '../schemas/common';
import { RememberedChecks } from '../remembered';
import { quoteForMessage } from '../secrets';
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


/**
 * `{baseUrl}/{apiVersion}/{endpointName}/invoke{path}` for the traffic split, or
 * `{baseUrl}/{apiVersion}/{endpointName}/deployedModels/{id}/invoke{path}` for one deployed model.
 * Everything is validated first (the endpoint name against Vertex's id grammar, the deployed model id as a number,
 * the path by path.ts), then the URL is checked as every built URL is (lib/hosts.ts assertRequestUrl: under
 * `{baseUrl}/{apiVersion}/projects/{p}/locations/{l}/`, unchanged once parsed); errors are VertexValidationError
 * naming the input field.
 */
export function buildInvokeUrl(input: InvokeUrlInput): string {
	const { target, prefix, urls } = invokeTarget(input);
	// The path is checked (and encoded) by checkInvokePath, which remembers what passed; the URL check is remembered
	// here by the encoded path, the only part of the URL that is not the checked target.
	const encodedPath = checkInvokePath(input.path, input.allowedPathPrefixes);
	return urls.get(encodedPath, () => assertRequestUrl(`${target}invoke${encodedPath}`, prefix, 'path'));
}

interface CheckedTarget {
	/** `{base}/{apiVersion}/{endpointName}/` or `.../deployedModels/{id}/`, checked. */
	target: string;
	/** `{base}/{apiVersion}/projects/{p}/locations/{l}/`: what every URL built from it must stay under. */
	prefix: string;
	/** The URLs already built and checked under it, by encoded path. */
	urls: RememberedChecks<string>;
}

/**
 * Checked targets by their inputs, and under each the checked URLs: a batch calls the same route of the same endpoint
 * thousands of times, and a URL that passed every check once passes them again (they depend on nothing else).
 */
const checkedTargets = new RememberedChecks<CheckedTarget>(256);
const URLS_PER_TARGET = 256;

const isTextOrUnset = (value: unknown) => value === undefined || typeof value === 'string';

function invokeTarget(input: InvokeUrlInput): CheckedTarget {
	// Only text is remembered: anything else is checked (and refused) every time.
	if (![input.baseUrl, input.apiVersion, input.endpointName, input.deployedModelId].every(isTextOrUnset)) return checkTarget(input);
	// JSON keeps the parts apart whatever they hold (a separator inside a value cannot make two inputs one key).
	const key = JSON.stringify([input.baseUrl, input.apiVersion ?? null, input.endpointName, input.deployedModelId ?? null]);
	return checkedTargets.get(key, () => checkTarget(input));
}

function checkTarget(input: InvokeUrlInput): CheckedTarget {
	const apiVersion = input.apiVersion ?? 'v1';
	if (!INVOKE_API_VERSIONS.includes(apiVersion)) {
		throw new VertexValidationError(
			`Unknown API version ${quoteForMessage(apiVersion)}; use ${INVOKE_API_VERSIONS.join(' or ')}.`,
			'apiVersion',
		);
	}
	const scope = typeof input.endpointName === 'string' ? ENDPOINT_NAME_PATTERN.exec(input.endpointName) : null;
	if (!scope) {
		throw new VertexValidationError(
			`Invalid endpoint name ${quoteForMessage(input.endpointName)}: expected ` +
				'"projects/{project}/locations/{location}/endpoints/{endpoint id}".',
			'endpoint',
		);
	}
	const base = `${normalizeBaseUrl(input.baseUrl, 'baseUrl')}/${apiVersion}`;
	const prefix = `${base}/projects/${scope[1]}/locations/${scope[2]}/`;
	let target = assertRequestUrl(`${base}/${input.endpointName}/`, prefix, 'endpoint');
	if (input.deployedModelId !== undefined && input.deployedModelId !== '') {
		if (typeof input.deployedModelId !== 'string' || !DEPLOYED_MODEL_ID_PATTERN.test(input.deployedModelId)) {
			throw new VertexValidationError(
				`Invalid deployed model id ${quoteForMessage(input.deployedModelId)}: it is a number such as ` +
					'"1206978444030640128" (see the endpoint\'s deployedModels).',
				'deployedModelId',
			);
		}
		target = assertRequestUrl(`${target}deployedModels/${input.deployedModelId}/`, prefix, 'deployedModelId');
	}
	return { target, prefix, urls: new RememberedChecks<string>(URLS_PER_TARGET) };
}
