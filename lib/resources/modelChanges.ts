/**
 * Changes to a model: its display name, description and labels (UpdateModel, a PATCH whose update mask names exactly
 * the fields given, on the model itself), and version aliases added to or removed from one version
 * (MergeVersionAliases, which the proto provides for this: UpdateModel does not take version_aliases).
 *
 * Concurrent edits: the version is read first only to resolve it and to leave out what would change nothing; the
 * change itself is a merge done by Vertex, so aliases nobody named (and any another caller adds meanwhile) stay.
 * The masked fields are each replaced by the caller's value alone, so no etag is needed: nothing is written back
 * from a read.
 */
import { fieldRef, messageParts, VertexApiError, VertexValidationError } from '../errors';
import type { CallOptions } from '../http';
import { modelSchema, type Model } from '../schemas/model';
import { updateModelInputSchema, type UpdateModelInput } from '../schemas/modelUpdate';
import { parseInput } from '../schemas/validate';
import { sendJson } from '../transport/json';
import { resourceName } from '../names';
import { apiUrl, patchFields, type ControlPlane } from './controlPlane';
import { getModel } from './models';

/** The alias Vertex gives one version of every model; a model has exactly one. */
const DEFAULT_ALIAS = 'default';

export interface VersionAliasChange {
	/** `projects/.../models/{id}@{versionId}`: the version whose aliases changed. */
	version: string;
	added: string[];
	removed: string[];
	/** Named but changing nothing: added aliases it already held, removed ones it did not. */
	unchanged: string[];
	/** The version's aliases after the change. */
	versionAliases: string[];
}

export interface UpdateModelOutcome {
	/** The model after the change (after its PATCH, else the version after the alias merge). */
	model: Model;
	/** Set when aliases were named. */
	versionAliases?: VersionAliasChange;
}

/**
 * Updates a model. `model` may carry `@version` (an id or alias) to pick the version whose aliases change; the
 * default version otherwise. Everything is checked, and the version read, before anything is changed.
 */
export async function updateModel(controlPlane: ControlPlane, input: UpdateModelInput, options: CallOptions = {}): Promise<UpdateModelOutcome> {
	const request = parseInput(updateModelInputSchema, input);
	const named = resourceName('models', request.model, controlPlane, { allowVersion: true });
	const modelName = named.split('@')[0];
	const add = request.addVersionAliases ?? [];
	const remove = request.removeVersionAliases ?? [];
	if (remove.includes(DEFAULT_ALIAS)) {
		throw new VertexValidationError(
			messageParts`${fieldRef('removeVersionAliases')} cannot remove "${DEFAULT_ALIAS}": a model always has exactly one default version. Add "${DEFAULT_ALIAS}" to the version that should become the default instead.`,
			'removeVersionAliases',
		);
	}
	const aliasPlan = add.length + remove.length > 0 ? await planAliases(controlPlane, named, add, remove, options) : undefined;

	const body: Record<string, unknown> = {};
	if (request.displayName !== undefined) body.displayName = request.displayName;
	if (request.description !== undefined) body.description = request.description;
	if (request.labels !== undefined) body.labels = request.labels;
	let model: Model | undefined;
	if (Object.keys(body).length > 0) {
		model = await patchFields(controlPlane, modelName, 'model', body, modelSchema, options);
	}
	if (!aliasPlan) return { model: model as Model };

	const { version, change } = aliasPlan;
	let after = version;
	if (change.added.length + change.removed.length > 0) {
		after = await sendJson(
			controlPlane.sender,
			{
				method: 'POST',
				url: apiUrl(controlPlane, `${change.version}:mergeVersionAliases`, 'model'),
				body: { versionAliases: [...change.added, ...change.removed.map((alias) => `-${alias}`)] },
				signal: options.signal,
				retry: false,
			},
			modelSchema,
			'model',
		);
	}
	return { model: model ?? after, versionAliases: { ...change, versionAliases: after.versionAliases ?? [] } };
}

/** Reads the version and works out which named aliases change it. */
async function planAliases(
	controlPlane: ControlPlane,
	named: string,
	add: string[],
	remove: string[],
	options: CallOptions,
): Promise<{ version: Model; change: Omit<VersionAliasChange, 'versionAliases'> }> {
	const version = await getModel(controlPlane, named, options);
	if (!version.versionId) {
		throw new VertexApiError(`Vertex AI returned model ${version.name} without its versionId: cannot tell which version to change.`, 200, undefined);
	}
	const held = new Set(version.versionAliases ?? []);
	const added = [...new Set(add)].filter((alias) => !held.has(alias));
	const removed = [...new Set(remove)].filter((alias) => held.has(alias));
	const unchanged = [...new Set([...add, ...remove])].filter((alias) => !added.includes(alias) && !removed.includes(alias));
	return { version, change: { version: `${named.split('@')[0]}@${version.versionId}`, added, removed, unchanged } };
}
