export { apiUrl, type ControlPlane, type ListOptions } from './controlPlane';
export { dedicatedInvokeBaseUrl } from './dataPlane';
export {
	assertDedicated,
	createEndpoint,
	deleteEndpoint,
	deployModel,
	getEndpoint,
	listEndpoints,
	undeployModel,
	waitForDedicatedEndpointDns,
	type WaitForDnsOptions,
} from './endpoints';
export { deleteModel, getModel, listModels, uploadModel, uploadModelOrUseExisting } from './models';
export { parentName, resourceId, resourceName, type ResourceScope } from './names';
export { createOrUseExisting, type IfExists } from './reuse';
export { trafficSplitForDeploy, trafficSplitForUndeploy } from './traffic';
