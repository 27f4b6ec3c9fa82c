import { fieldRef, messageParts, VertexValidationError } from '../errors';
import { assertRequestUrl, normalizeBaseUrl } from '../hosts';
import { ENDPOINT_NAME_PATTERN } from '../names';
import { DEPLOYED_MODEL_ID, ENDPOINT_REF } from '../rules/ids';
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
			messageParts`Unknown ${fieldRef('apiVersion', 'API version')} ${quoteForMessage(version)}; use ${INVOKE_API_VERSIONS.join(' or ')}.`,
			'apiVersion',
			{ rule: INVOKE_API_VERSIONS.join(' or ') },
		);
	}
	return version;
}

/** The deployed model id to pin, or undefined for the traffic split ('' = not set). */
export function checkDeployedModelId(deployedModelId: string | undefined): string | undefined {
	if (deployedModelId === undefined || deployedModelId === '') return undefined;
	if (typeof deployedModelId !== 'string' || !DEPLOYED_MODEL_ID.pattern.test(deployedModelId)) {
		throw new VertexValidationError(
			messageParts`Invalid ${fieldRef('deployedModelId', 'deployed model id')} ${quoteForMessage(deployedModelId)}: it is a number such as "1206978444030640128" (see the endpoint's deployedModels).`,
			'deployedModelId',
			{ rule: DEPLOYED_MODEL_ID.rule },
		);
	}
	return deployedModelId;
}

/** What an encoded path from path.ts is made of: URL-safe characters and %XX escapes, no empty segment but a last. */
const ENCODED_PATH = /^(?:\/[A-Za-z0-9\-_.!~*'():@%]+)+\/?$/;

/**
 * The invoke URL from parts already checked (the path encoded by checkInvokePath). The target (base, version,
 * endpoint, deployed model) is checked as every built URL is (assertRequestUrl); the path needs no second check:
 * path.ts refuses every segment assertRequestUrl would (dot, empty, encoded-slash and control segments, once and
 * twice decoded) and encodes the rest to characters the URL parser keeps as they are.
 */
export function invokeUrl(
	baseUrl: string,
	endpointName: string,
	encodedPath: string,
	deployedModelId: string | undefined,
	apiVersion: InvokeApiVersion,
): string {
	if (!ENCODED_PATH.test(encodedPath)) {
		throw new VertexValidationError(messageParts`The ${fieldRef('path', 'invoke path')} was not encoded by checkInvokePath.`, 'path', { rule: 'a path encoded by checkInvokePath' });
	}
	return `${invokeTarget(baseUrl, endpointName, deployedModelId, apiVersion)}invoke${encodedPath}`;
}

/**
 * Checked targets by their parts. Checking one takes two URL parses and a walk over its segments, about as long as
 * the rest of building an invoke request, and a batch calls the same few targets for every item; only text parts
 * that passed are kept, bounded (when full it starts over: a recheck, never a wrong answer).
 */
const checkedTargets = new Map<string, string>();
const MAX_CHECKED_TARGETS = 256;

function invokeTarget(baseUrl: string, endpointName: string, deployedModelId: string | undefined, apiVersion: InvokeApiVersion): string {
	const textOnly = typeof baseUrl === 'string' && typeof endpointName === 'string';
	// JSON keeps the parts apart whatever they hold (a separator inside a value cannot make two inputs one key).
	const key = textOnly ? JSON.stringify([baseUrl, endpointName, deployedModelId ?? null, apiVersion]) : undefined;
	const known = key === undefined ? undefined : checkedTargets.get(key);
	if (known !== undefined) return known;
	const target = checkTarget(baseUrl, endpointName, deployedModelId, apiVersion);
	if (key !== undefined) {
		if (checkedTargets.size >= MAX_CHECKED_TARGETS) checkedTargets.clear();
		checkedTargets.set(key, target);
	}
	return target;
}

function checkTarget(baseUrl: string, endpointName: string, deployedModelId: string | undefined, apiVersion: InvokeApiVersion): string {
	const scope = typeof endpointName === 'string' ? ENDPOINT_NAME_PATTERN.exec(endpointName) : null;
	if (!scope) {
		throw new VertexValidationError(
			messageParts`Invalid ${fieldRef('endpoint', 'endpoint name')} ${quoteForMessage(endpointName)}: expected "projects/{project}/locations/{location}/endpoints/{endpoint id}".`,
			'endpoint',
			{ rule: ENDPOINT_REF.rule },
		);
	}
	const base = `${normalizeBaseUrl(baseUrl, 'baseUrl')}/${apiVersion}`;
	const prefix = `${base}/projects/${scope[1]}/locations/${scope[2]}/`;
	const endpoint = assertRequestUrl(`${base}/${endpointName}/`, prefix, 'endpoint');
	if (deployedModelId === undefined) return endpoint;
	return assertRequestUrl(`${endpoint}deployedModels/${deployedModelId}/`, prefix, 'deployedModelId');
}
