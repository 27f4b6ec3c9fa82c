/**
 * The control-plane methods the emulator implements, by `Service.Method` (the same for v1 and v1beta1,
 * and for the /ui/ bindings of the Operations mixin). Names in the path were checked by the router;
 * each handler reads the resource it names from there.
 */
import type { ApiCall, EmulatorContext } from './context';
import type { Deployments } from './deployments';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, requireEndpoint, updateEndpoint } from './endpointsApi';
import { notFound } from './googleErrors';
import { deleteModel, deleteModelVersion, getModel, listModels, listModelVersions, mergeVersionAliases, requireModel, updateModel, uploadModel, type ModelRef } from './modelsApi';
import { createPool, deletePool, getPool, listPools, queryDeployedModels, requirePool, updatePool } from './poolsApi';
import { cancelOperation, deleteOperation, getOperation, listOperations, waitOperation } from './operationsApi';

export type ControlHandler = (call: ApiCall) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** What a bound name says after `projects/{p}/locations/{l}`: `models/m@2`, `endpoints/e/operations/1`, or '' for the location. */
export function resourceTail(vars: Record<string, string>, field: string): string {
	return (vars[field] ?? '').replace(/^projects\/[^/]+\/locations\/[^/]+\/?/, '');
}

function modelRef(call: ApiCall, field = 'name'): ModelRef {
	const [, idAndVersion = ''] = resourceTail(call.vars, field).split('/');
	const at = idAndVersion.indexOf('@');
	return at < 0 ? { modelId: idAndVersion } : { modelId: idAndVersion.slice(0, at), version: idAndVersion.slice(at + 1) };
}

export function endpointIdOf(vars: Record<string, string>, field: string): string {
	return resourceTail(vars, field).split('/')[1] ?? '';
}

function poolIdOf(vars: Record<string, string>, field: string): string {
	return resourceTail(vars, field).split('/')[1] ?? '';
}

export function controlMethods(ctx: EmulatorContext, deployments: Deployments): Record<string, ControlHandler> {
	const deploying = (modelId: string, versionId?: string): string[] => deployments.endpointsDeploying(modelId, versionId);
	// Operations are stored under the project number: a name given with the project id means the same one.
	const operationName = (call: ApiCall): string => `${ctx.store.parent}/${resourceTail(call.vars, 'name')}`;
	return {
		'ModelService.UploadModel': (call) => uploadModel(ctx, call),
		'ModelService.GetModel': (call) => getModel(ctx, modelRef(call)),
		'ModelService.ListModels': (call) => listModels(ctx, call),
		'ModelService.ListModelVersions': (call) => listModelVersions(ctx, call, modelRef(call).modelId),
		'ModelService.DeleteModel': (call) => deleteModel(ctx, call, modelRef(call), deploying),
		'ModelService.UpdateModel': (call) => updateModel(ctx, call, modelRef(call, 'model.name')),
		'ModelService.MergeVersionAliases': (call) => mergeVersionAliases(ctx, call, modelRef(call)),
		'ModelService.DeleteModelVersion': (call) => deleteModelVersion(ctx, call, modelRef(call), deploying),
		'EndpointService.CreateEndpoint': (call) => createEndpoint(ctx, call),
		'EndpointService.GetEndpoint': (call) => getEndpoint(ctx, endpointIdOf(call.vars, 'name')),
		'EndpointService.ListEndpoints': (call) => listEndpoints(ctx, call),
		'EndpointService.UpdateEndpoint': (call) => updateEndpoint(ctx, call, endpointIdOf(call.vars, 'endpoint.name')),
		'EndpointService.DeleteEndpoint': (call) => deleteEndpoint(ctx, call, endpointIdOf(call.vars, 'name'), (id) => deployments.cancelFor(id)),
		'EndpointService.DeployModel': (call) => deployments.deploy(call, endpointIdOf(call.vars, 'endpoint')),
		'EndpointService.UndeployModel': (call) => deployments.undeploy(call, endpointIdOf(call.vars, 'endpoint')),
		'DeploymentResourcePoolService.CreateDeploymentResourcePool': (call) => createPool(ctx, call),
		'DeploymentResourcePoolService.GetDeploymentResourcePool': (call) => getPool(ctx, poolIdOf(call.vars, 'name')),
		'DeploymentResourcePoolService.ListDeploymentResourcePools': (call) => listPools(ctx, call),
		'DeploymentResourcePoolService.UpdateDeploymentResourcePool': (call) => updatePool(ctx, call, poolIdOf(call.vars, 'deployment_resource_pool.name'), deployments),
		'DeploymentResourcePoolService.QueryDeployedModels': (call) => queryDeployedModels(ctx, call, poolIdOf(call.vars, 'deployment_resource_pool')),
		'DeploymentResourcePoolService.DeleteDeploymentResourcePool': (call) => deletePool(ctx, call, poolIdOf(call.vars, 'name'), (name) => deployments.deployingOnPool(name)),
		'EndpointService.MutateDeployedModel': (call) => deployments.mutate(call, endpointIdOf(call.vars, 'endpoint')),
		'Operations.GetOperation': (call) => getOperation(ctx, operationName(call)),
		'Operations.ListOperations': (call) => {
			const owner = resourceTail(call.vars, 'name');
			const [kind, id = ''] = owner.split('/');
			// Like any list, one under a model or endpoint that does not exist is a 404; the emulator has no other owners.
			if (kind === 'models') requireModel(ctx, { modelId: id });
			else if (kind === 'endpoints') requireEndpoint(ctx, id);
			else if (kind === 'deploymentResourcePools') requirePool(ctx, id);
			else if (owner !== '') throw notFound('resource', `${ctx.store.parent}/${owner}`);
			return listOperations(ctx, call, owner === '' ? ctx.store.parent : `${ctx.store.parent}/${owner}`);
		},
		'Operations.CancelOperation': (call) => cancelOperation(ctx, operationName(call)),
		'Operations.DeleteOperation': (call) => deleteOperation(ctx, operationName(call)),
		'Operations.WaitOperation': (call) => waitOperation(ctx, call, operationName(call)),
	};
}
