export { apiUrl, type ControlPlane } from './controlPlane';
export type { ListOptions } from '../listQuery';
export { dedicatedInvokeBaseUrl } from './dataPlane';
export {
	assertDedicated,
	createEndpoint,
	deleteEndpoint,
	deployModel,
	getEndpoint,
	listEndpoints,
	undeployModel,
	undeployModels,
	updateTrafficSplit,
	waitForDedicatedEndpointDns,
	type DeleteEndpointOptions,
	type WaitForDnsOptions,
} from './endpoints';
export {
	applyTrafficToDeployed,
	deploy,
	deployModelOrUseExisting,
	findDeployedCopies,
	IF_DEPLOYED,
	type DeployedCopies,
	type DeployInput,
	type DeployOptions,
	type DeployOutcome,
	type IfDeployed,
	type TrafficRequest,
} from './deployedCopies';
export { collectPages, type Page } from './pages';
export { deleteModel, deleteModelVersion, getModel, listModels, listModelVersions, uploadModel } from './models';
export {
	ENDPOINT_NAME_PATTERN,
	parentName,
	resourceId,
	resourceName,
	scopedApiUrl,
	type ResourceScope,
} from '../names';
export { createOrUseExisting, type IfExists } from './reuse';
export { trafficSplitForDeploy, trafficSplitForUndeploy, trafficSplitGiving } from './traffic';
