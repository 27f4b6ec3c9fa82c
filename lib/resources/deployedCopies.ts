/**
 * Re-runs that don't duplicate deployments: finding the copies of a model version already deployed on an
 * endpoint, reusing one of them with the traffic a deploy would have given ('use'), or replacing them with a
 * new copy once it serves ('replace', in the whole deploy).
 */
import { fieldRef, messageParts, VertexValidationError } from '../errors';
import type { CallOptions } from '../http';
import { assertOperationName, getOperation, waitForResult, type WaitOptions } from '../operations';
import { DEPLOY_MODEL, type DeployModelResult } from '../operationTypes';
import {
	NEW_MODEL_TRAFFIC_KEY,
	type DeployedModel,
	type DeployModelInput,
	type Endpoint,
} from '../schemas/endpoint';
import type { Operation } from '../schemas/operation';
import type { Model } from '../schemas/model';
import { checkDeployModelInput, deployModel, getEndpoint, undeployModels, updateTrafficSplit } from './endpoints';
import { getModel } from './models';
import { resourceId } from '../names';
import { inApiVersion, type ControlPlane } from './controlPlane';
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

function checkedIfDeployed(ifDeployed: unknown): IfDeployed {
	if (!IF_DEPLOYED.includes(ifDeployed as IfDeployed)) {
		throw new VertexValidationError(messageParts`${fieldRef('ifDeployed')} must be one of ${IF_DEPLOYED.join(', ')}.`, 'ifDeployed', {
			rule: `one of ${IF_DEPLOYED.join(', ')}`,
		});
	}
	return ifDeployed as IfDeployed;
}

/**
 * Starts a deploy (`ifDeployed` 'add', the default), or with 'use', when the same model version is already
 * deployed on the endpoint, deploys nothing and gives that deployment as `existing`, with the requested traffic
 * applied to it. 'replace' is refused here: it has to wait for the new copy before undeploying the older ones,
 * which `deploy` does. The input is checked before any request.
 */
export async function deployModelOrUseExisting(
	controlPlane: ControlPlane,
	input: DeployModelInput & { ifDeployed?: IfDeployed },
	options: CallOptions = {},
): Promise<{ operation?: Operation; existing?: { deployedModel: DeployedModel; endpoint: Endpoint } }> {
	const { ifDeployed: given = 'add', ...request } = input ?? {};
	const ifDeployed = checkedIfDeployed(given);
	if (ifDeployed === 'replace') {
		throw new VertexValidationError(
			messageParts`${fieldRef('ifDeployed')} 'replace' needs the deploy waited for (the older copies are undeployed only once the new one serves): use deploy, not deployModel.`,
			'ifDeployed',
		);
	}
	const { input: parsed } = checkDeployModelInput(controlPlane, request);
	controlPlane = inApiVersion(controlPlane, parsed.apiVersion);
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

export interface DeployInput extends DeployModelInput {
	/** What a deploy does when the same model version is already deployed on the endpoint; default 'add'. */
	ifDeployed?: IfDeployed;
	/** A deploy operation started earlier (its name): waited for instead of starting another deploy. */
	resumeOperation?: string;
}

export interface DeployOptions extends WaitOptions {
	/** false: give back the started operation without waiting for it ('replace' then refused); default true. */
	wait?: boolean;
}

export interface DeployOutcome {
	/** The deploy's operation; undefined when 'use' found the model version deployed already. */
	operation?: Operation;
	/** The finished deploy; set exactly when the operation is done. */
	result?: DeployModelResult;
	/** The deployment 'use' found (nothing was deployed), with the endpoint after its traffic was applied. */
	existing?: { deployedModel: DeployedModel; endpoint: Endpoint };
	/** The endpoint once the deploy (and, for 'replace', the undeploys) are done. */
	endpoint?: Endpoint;
	/**
	 * The deployed models that left the endpoint with this deploy: the one a rolling deployment replaced (its
	 * rolloutOptions.previousDeployedModel), then the older copies 'replace' undeployed, in that order.
	 */
	undeployedModelIds: string[];
}

/**
 * A whole deploy, as a caller that does not want to orchestrate it sees it: starts it (or resumes
 * `resumeOperation`, or with 'use' reuses a deployment of the same model version), waits for it unless
 * `wait` is false, and with 'replace' then undeploys the older copies of the model version one by one, the new
 * copy taking the traffic nobody else can (so the split stays valid throughout), and reads the endpoint again.
 * Everything the input says is checked before the first request.
 */
export async function deploy(controlPlane: ControlPlane, input: DeployInput, options: DeployOptions = {}): Promise<DeployOutcome> {
	const { ifDeployed: given = 'add', resumeOperation, ...request } = input ?? ({} as DeployInput);
	const { wait = true, ...waitOptions } = options;
	const ifDeployed = checkedIfDeployed(given);
	if (ifDeployed === 'replace' && !wait) {
		throw new VertexValidationError(
			"ifDeployed 'replace' needs the deploy waited for: the older copies are undeployed only once the new one serves.",
			'ifDeployed',
		);
	}
	const { input: parsed, body } = checkDeployModelInput(controlPlane, request);
	if (resumeOperation !== undefined) assertOperationName(resumeOperation, 'resumeOperation');
	// Every call of this deploy, the waits included, in the API version chosen.
	controlPlane = inApiVersion(controlPlane, parsed.apiVersion);
	const callOptions = { signal: waitOptions.signal };

	let operation: Operation;
	if (resumeOperation !== undefined) {
		operation = await getOperation(controlPlane, resumeOperation, callOptions).catch((error: unknown) =>
			Promise.reject(error instanceof VertexValidationError ? new VertexValidationError(error.message, 'resumeOperation', error.readsSent ? { readsSent: true } : {}) : error),
		);
	} else {
		const started = await deployModelOrUseExisting(controlPlane, { ...request, ifDeployed: ifDeployed === 'use' ? 'use' : 'add' }, callOptions);
		if (started.existing) return { existing: started.existing, undeployedModelIds: [] };
		operation = started.operation as Operation;
	}
	if (!wait && !operation.done) return { operation, undeployedModelIds: [] };
	const done = await waitForResult(controlPlane, DEPLOY_MODEL, operation, wait ? waitOptions : {});

	let undeployedModelIds: string[] = [];
	if (ifDeployed === 'replace') {
		// Found after the deploy, so a resumed deploy replaces the copies that were there before it too. A rolling
		// deployment's previous deployed model is gone by now (the rollout replaced it), so it is not among them.
		const { copies } = await findDeployedCopies(controlPlane, parsed.endpoint, parsed.model, callOptions);
		undeployedModelIds = copies.map((copy) => copy.id as string).filter((id) => id !== done.result.deployedModelId);
		// The new copy is deployed by now: a refusal here comes after a change.
		await undeployModels(controlPlane, parsed.endpoint, undeployedModelIds, { ...waitOptions, heir: done.result.deployedModelId }).catch((error: unknown) =>
			Promise.reject(error instanceof VertexValidationError ? error.afterChanges() : error),
		);
	}
	const endpoint = await getEndpoint(controlPlane, parsed.endpoint, callOptions);
	const replaced = rolledOutOver(body.deployedModel, endpoint);
	return { operation: done.operation, result: done.result, endpoint, undeployedModelIds: replaced ? [replaced, ...undeployedModelIds] : undeployedModelIds };
}

/**
 * The deployed model a rolling deployment replaced: rolloutOptions.previousDeployedModel (named, or through Additional
 * Fields) once it is no longer on the endpoint, as Google describes a completed rollout.
 */
function rolledOutOver(deployedModel: Record<string, unknown>, endpoint: Endpoint): string | undefined {
	const rollout = deployedModel.rolloutOptions as { previousDeployedModel?: unknown } | undefined;
	const previous = rollout?.previousDeployedModel;
	if (typeof previous !== 'string' || previous === '') return undefined;
	return (endpoint.deployedModels ?? []).some((deployed) => deployed.id === previous) ? undefined : previous;
}
