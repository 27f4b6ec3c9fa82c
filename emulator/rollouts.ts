/**
 * Rolling deployments (v1beta1 DeployedModel.rollout_options), as Google's "Use a rolling deployment to replace a
 * deployed model" describes them: the new deployed model takes the resources of previous_deployed_model, gets a new
 * id and the next revision number, and once its replicas serve it takes the previous one's place and traffic.
 */
import type { EmulatorContext } from './context';
import type { FieldViolation } from './googleErrors';
import { asRecord } from './httpUtil';
import type { DeployedModelRecord, EndpointRecord } from './resources';

/** The DeployedModel fields Google names as defaulting to the previous deployed model's in a rolling deployment. */
const INHERITED_FIELDS = ['serviceAccount', 'disableContainerLogging', 'enableAccessLogging'] as const;

/**
 * The deployed model a rollout replaces, with `requested` completed from it: its resources (dedicated or pool),
 * the inherited fields the request leaves out, and rollout_options.revision_number one above the previous one's
 * (a deployed model made without a rollout counts as revision 0) and above those of the rollouts over it still in
 * flight (`revisionsInFlightOver`), as Google treats the highest revision as the intended state. Undefined when the
 * request is not a rollout, or after a violation.
 */
export function rolloutTakeover(
	ctx: EmulatorContext,
	endpoint: EndpointRecord,
	requested: Record<string, unknown>,
	violations: FieldViolation[],
	revisionsInFlightOver: (previousId: string) => number[],
): DeployedModelRecord | undefined {
	const rollout = asRecord(requested.rolloutOptions);
	if (!rollout) return undefined;
	// Modelled on Google's client, which sends rollout_options instead of the resources (python-aiplatform,
	// preview/models.py, Endpoint._deploy_call) and always names previous_deployed_model.
	if (requested.dedicatedResources !== undefined || requested.sharedResources !== undefined) {
		violations.push({ field: 'deployed_model.rollout_options', description: 'Give rollout_options instead of dedicated_resources or shared_resources: the rollout takes the resources of previous_deployed_model.' });
		return undefined;
	}
	const previous = endpoint.deployedModels.find((deployed) => deployed.id === rollout.previousDeployedModel);
	if (!previous) {
		violations.push({ field: 'deployed_model.rollout_options.previous_deployed_model', description: `Required: the id of a deployed model of ${ctx.store.endpointName(endpoint.id)}, whose resources the rollout takes.` });
		return undefined;
	}
	if (previous.spec.sharedResources !== undefined) requested.sharedResources = previous.spec.sharedResources;
	else requested.dedicatedResources = structuredClone(previous.spec.dedicatedResources);
	for (const field of INHERITED_FIELDS) {
		if (requested[field] === undefined && previous.spec[field] !== undefined) requested[field] = previous.spec[field];
	}
	requested.rolloutOptions = { ...rollout, revisionNumber: Math.max(revisionOf(previous), ...revisionsInFlightOver(previous.id)) + 1 };
	return previous;
}

/** rollout_options.revision_number of a deployed model; 0 for one made without a rollout. */
export function revisionOf(deployed: DeployedModelRecord): number {
	return Number(asRecord(deployed.spec.rolloutOptions)?.revisionNumber ?? 0);
}

/**
 * The deployed model a completing rollout over `previous` replaces: `previous`, or, when another rollout over the
 * same resources completed first, the one that replaced it (followed along). Undefined once that line was undeployed.
 */
export function rolloutTarget(endpoint: EndpointRecord, previous: DeployedModelRecord): DeployedModelRecord | undefined {
	let target: DeployedModelRecord | undefined = previous;
	while (target && !endpoint.deployedModels.includes(target)) target = target.replacedBy;
	return target;
}

/**
 * The endpoint's traffic split once a rollout completes: the previous deployed model leaves it and its share goes
 * to the new one. With a split in the request, that split is applied ("0" the new deployed model), the share it
 * gives the previous one going to the new one too; without, the endpoint's split stays as it was otherwise.
 */
export function splitAfterRollout(current: Record<string, number>, requested: Record<string, number> | undefined, previousId: string, newId: string): Record<string, number> {
	const base = requested && Object.keys(requested).length > 0 ? requested : current;
	const after: Record<string, number> = {};
	for (const [key, share] of Object.entries(base)) {
		const owner = key === '0' || key === previousId ? newId : key;
		after[owner] = (after[owner] ?? 0) + share;
	}
	return after;
}
