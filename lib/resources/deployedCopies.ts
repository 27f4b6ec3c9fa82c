/**
 * Re-runs that don't duplicate deployments: finding the copies of a model version already deployed on an
 * endpoint, and reusing one of them with the traffic a deploy would have given.
 */
import { fieldRef, messageParts, VertexValidationError } from '../errors';
import type { CallOptions } from '../http';
import {
	deployModelInputSchema,
	NEW_MODEL_TRAFFIC_KEY,
	type DeployedModel,
	type DeployModelInput,
	type Endpoint,
} from '../schemas/endpoint';
import type { Operation } from '../schemas/operation';
import { parseInput } from '../schemas/validate';
import type { Model } from '../schemas/model';
import { deployModel, getEndpoint, updateTrafficSplit } from './endpoints';
import { getModel } from './models';
import { resourceId } from './names';
import type { ControlPlane } from './controlPlane';
import { trafficSplitGiving } from './traffic';

/** What a deploy does when the same model version is already deployed on the endpoint. */
export const IF_DEPLOYED = ['use', 'replace', 'add'] as const;
export type IfDeployed = (typeof IF_DEPLOYED)[number];

export interface DeployedCopies {
	endpoint: Endpoint;
	/** The model version asked for (a bare model id means its default version). */
	model: Model;
	/** Deployed models of exactly that model and version, the one with the most traffic first. */
	copies: DeployedModel[];
}

/**
 * "Same model" is the same model id (project and location are the endpoint's) and the same version id,
 * the version being the one named with `@version`, else the model's default version.
 */
export async function findDeployedCopies(
	controlPlane: ControlPlane,
	endpoint: string,
	model: string,
	options: CallOptions = {},
): Promise<DeployedCopies> {
	const [found, version] = await Promise.all([getEndpoint(controlPlane, endpoint, options), getModel(controlPlane, model, options)]);
	const modelId = resourceId(version.name);
	const split = found.trafficSplit ?? {};
	const copies = (found.deployedModels ?? [])
		.filter((deployed) => deployed.id && resourceId(deployed.model ?? '') === modelId)
		.filter((deployed) => version.versionId === undefined || (deployed.modelVersionId ?? '1') === version.versionId)
		.sort((a, b) => (split[b.id as string] ?? 0) - (split[a.id as string] ?? 0));
	return { endpoint: found, model: version, copies };
}

/** The traffic a deploy asks for: a percentage for the model, or a whole split where "0" is the model. */
export type TrafficRequest = { trafficPercentage: number } | { trafficSplit: Record<string, number> };

function sameSplit(a: Record<string, number>, b: Record<string, number>): boolean {
	const positive = (split: Record<string, number>) =>
		Object.entries(split)
			.filter(([, share]) => share > 0)
			.sort(([x], [y]) => (x < y ? -1 : 1))
			.join(';');
	return positive(a) === positive(b);
}

/**
 * Applies `traffic` to an existing deployed model as if it had just been deployed with it ("0" in a split
 * standing for it), updating the endpoint only when the split would change. Returns the endpoint after.
 */
export async function applyTrafficToDeployed(
	controlPlane: ControlPlane,
	endpoint: Endpoint,
	deployedModelId: string,
	traffic: TrafficRequest,
	options: CallOptions = {},
): Promise<Endpoint> {
	const current = endpoint.trafficSplit ?? {};
	const wanted =
		'trafficSplit' in traffic
			? Object.fromEntries(
					Object.entries(traffic.trafficSplit).map(([id, share]) => [id === NEW_MODEL_TRAFFIC_KEY ? deployedModelId : id, share]),
				)
			: trafficSplitGiving(current, deployedModelId, traffic.trafficPercentage);
	if (sameSplit(current, wanted)) return endpoint;
	return updateTrafficSplit(controlPlane, { endpoint: endpoint.name, trafficSplit: wanted }, options);
}

/**
 * Deploys (`ifDeployed` 'add', the default, and 'replace'), or with 'use', when the same model version is
 * already deployed on the endpoint, deploys nothing and gives that deployment as `existing`, with the
 * requested traffic applied to it. 'replace' leaves undeploying the older copies to the caller, once the
 * new one serves (see undeployModels). The input is checked before any request.
 */
export async function deployModelOrUseExisting(
	controlPlane: ControlPlane,
	input: DeployModelInput & { ifDeployed?: IfDeployed },
	options: CallOptions = {},
): Promise<{ operation?: Operation; existing?: { deployedModel: DeployedModel; endpoint: Endpoint } }> {
	const { ifDeployed = 'add', ...request } = input ?? {};
	if (!IF_DEPLOYED.includes(ifDeployed)) {
		throw new VertexValidationError(messageParts`${fieldRef('ifDeployed')} must be one of ${IF_DEPLOYED.join(', ')}.`, 'ifDeployed', {
			rule: `one of ${IF_DEPLOYED.join(', ')}`,
		});
	}
	const parsed = parseInput(deployModelInputSchema, request);
	if (ifDeployed === 'use') {
		const { endpoint, copies } = await findDeployedCopies(controlPlane, parsed.endpoint, parsed.model, options);
		const [kept] = copies;
		if (kept?.id) {
			const traffic: TrafficRequest | undefined = parsed.trafficSplit
				? { trafficSplit: parsed.trafficSplit }
				: parsed.trafficPercentage !== undefined
					? { trafficPercentage: parsed.trafficPercentage }
					: undefined;
			const after = traffic ? await applyTrafficToDeployed(controlPlane, endpoint, kept.id, traffic, options) : endpoint;
			return { existing: { deployedModel: kept, endpoint: after } };
		}
	}
	return { operation: await deployModel(controlPlane, request, options) };
}
