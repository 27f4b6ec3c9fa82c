/**
 * The public API of the framework-free Vertex AI client, for the n8n nodes and any Node program: the
 * client and its per-call options, the inputs and results of its calls, typed long-running operations,
 * the errors it throws, and stream decoding. Everything else under lib/ is internal.
 */

// The client
export { clearVertexClientCache, getVertexClient, VertexClient, type InvokeCallOptions, type VertexClientOptions } from './client';
export { AUTHENTICATION_KINDS, clientOptionsFromFields, DEFAULT_LOCATION, type AuthenticationKind } from './credentialFields';
export type { VertexCredential } from './auth';
export type { CallOptions } from './http';
export type { ListOptions } from './listQuery';
export type { WaitOptions } from './operations';
export type { DeleteEndpointOptions, WaitForDnsOptions } from './resources/endpoints';
export { closeSharedAgent } from './transport';
// Private Service Connect: the private address an invoke goes to and how its certificate is checked
export { checkPrivateEndpoint, type PrivateEndpointOptions } from './transport/privateEndpoint';
export { PRIVATE_ADDRESS_RULE } from './hosts';

// Vertex's id grammar and locations, as data: each rule's pattern and the phrase that explains it, for editor
// checks and hints built from the same rules the client enforces
export {
	CALLER_ID,
	CONSOLE_URL,
	DEPLOYED_MODEL_ID,
	DEPLOYED_MODEL_NUMBER,
	DEPLOYMENT_RESOURCE_POOL,
	ENDPOINT_REF,
	ENV_VAR_NAME,
	GCS_URI,
	IMAGE_URI,
	GPU_PARTITION_SIZE,
	MONITORING_METRIC_TYPE,
	PUBSUB_SUBSCRIPTION_ID,
	TPU_TOPOLOGY,
	KMS_KEY_NAME,
	LABEL_KEY,
	LABEL_VALUE,
	LOCATION,
	MACHINE_TYPE,
	MODEL_NAME,
	MODEL_REF,
	MODEL_VERSION,
	NEW_TRAFFIC_SPLIT_KEY,
	OPERATION_NAME,
	POOL_ID,
	PROJECT,
	RESERVATION_NAME,
	SERVER_ROUTE,
	SERVICE_ACCOUNT_EMAIL,
	VERSION_ALIAS,
	VPC_NETWORK,
	type IdRule,
} from './rules/ids';
export { VERTEX_LOCATIONS } from './rules/locations';

// Retry: the one policy of the transport, the operation waits and the model-server requests
export {
	DEFAULT_RETRY_POLICY,
	isTransientError,
	MODEL_SERVER_RETRY_POLICY,
	modelServerRetryPolicy,
	retryDelayMs,
	withRetries,
	type RetryPolicy,
	type TransientScope,
} from './transport';

// Inputs and results
export { ACCELERATOR_TYPES, DISPLAY_NAME_MAX_LENGTH, type AcceleratorType } from './schemas/common';
export { API_VERSIONS, DEFAULT_API_VERSION, type ApiVersion } from './apiVersion';
export { ADDITIONAL_FIELDS_MESSAGES, checkAdditionalFields, withAdditionalFields, type AdditionalFieldsTarget } from './schemas/additionalFields';
export { PROTO_FIELDS } from './schemas/protoFields';
export {
	AUTOSCALING_METRICS,
	PUBSUB_SUBSCRIPTION_LABELS,
	RESERVATION_AFFINITY_TYPES,
	RESERVATION_NAME_LABEL,
	SCALE_TO_ZERO_PERIOD_SECONDS,
} from './schemas/endpoint';
export { DEFAULT_CONTAINER_PORT, INVOKE_ROUTE_PREFIX } from './schemas/model';
export type { Model, ModelContainerSpecInput, ModelInput, UploadModelInput } from './schemas/model';
export type {
	CreateEndpointInput,
	DeployedModel,
	DeployedModelInput,
	DeployModelInput,
	Endpoint,
	EndpointInput,
	PrivateServiceConnectConfigInput,
	UndeployModelInput,
	UpdateTrafficSplitInput,
} from './schemas/endpoint';
export type { IfExists } from './resources/reuse';
// Live changes and deployment resource pools
export {
	DEPLOYED_MODEL_CHANGES,
	ENDPOINT_CHANGES,
	type MutateDeployedModelInput,
	type RequestResponseLoggingInput,
	type UpdateEndpointInput,
} from './schemas/endpointUpdate';
export { MODEL_CHANGES, type UpdateModelInput } from './schemas/modelUpdate';
export type { UpdateModelOutcome, VersionAliasChange } from './resources/modelChanges';
export type {
	CreateDeploymentResourcePoolInput,
	DeployedModelRef,
	DeploymentResourcePool,
	DeploymentResourcePoolInput,
} from './schemas/deploymentResourcePool';
export {
	IF_DEPLOYED,
	type DeployedCopies,
	type DeployInput,
	type DeployOptions,
	type DeployOutcome,
	type IfDeployed,
	type TrafficRequest,
} from './resources/deployedCopies';
export { modelAtVersion, resourceId } from './names';
export { deploySummary, type DeployNames } from './resources/deploySummary';
export { deployedModelIds } from './resources/endpoints';
export { isPrivateServiceConnect } from './schemas/endpoint';
export { collectPages, type Page } from './resources/pages';
export { endpointOutput, endpointSummary, modelOutput, operationFields, operationOutput, poolOutput } from './outputs';

// Long-running operations
export { deploymentStageOf, type Operation } from './schemas/operation';
export { checkWaitTimeout, DEFAULT_OPERATION_TIMEOUT_MS, WAIT_TIMEOUT_RULE } from './operations';
export { settleOperation, type OperationWaiter } from './operationRuns';
export {
	CREATE_DEPLOYMENT_RESOURCE_POOL,
	CREATE_ENDPOINT,
	DEPLOY_MODEL,
	MUTATE_DEPLOYED_MODEL,
	NO_RESULT,
	UPLOAD_MODEL,
	type DeployModelResult,
	type OperationType,
	type UploadModelResult,
} from './operationTypes';

// Errors, and quoting a user's value in a message without ever showing a secret
export { quoteForMessage, REDACTED, scrubSecrets } from './secrets';
export {
	coreWords,
	errorInfoReason,
	fieldRef,
	isAlreadyExists,
	messageParts,
	renderMessage,
	settingRef,
	VertexApiError,
	VertexOperationError,
	VertexTransportError,
	VertexValidationError,
	whatWasSent,
	type FieldViolation,
	type FieldMention,
	type MessagePart,
	type MessageWords,
	type SuggestedSetting,
	type ValidationRule,
} from './errors';

// Invoke and stream decoding
export {
	HEADER_NAME_PATTERN,
	HEADER_NAME_LIST_PATTERN,
	HEADER_NAME_LIST_RULE,
	HEADER_NAME_RULE,
	HTTP_TOKEN,
	INVOKE_DEFAULT_MAX_RESPONSE_BYTES,
	INVOKE_MAX_BODY_BYTES,
	INVOKE_MAX_PATH_LENGTH,
	INVOKE_PATH_LINE,
	INVOKE_PATH_LINE_RULE,
	INVOKE_REFUSED_PATH_PATTERN,
	invokeHeaderProblem,
	MEDIA_TYPE_PATTERN,
	MEDIA_TYPE_RULE,
	isPreparedInvoke,
	checkInvokeInput,
	validateInvokePath,
	prepareInvoke,
	REFUSED_INVOKE_HEADERS,
	withInvokeBody,
	type InvokeBody,
	type InvokeInput,
	type InvokeResponse,
	type PreparedInvoke,
} from './invoke';
export {
	aggregateBatches,
	aggregateChunks,
	batchesOfOne,
	DEFAULT_MAX_CHUNKS,
	DEFAULT_MAX_STREAM_BYTES,
	decodeStream,
	detectStreamFormat,
	parseTextPath,
	readableBytes,
	readChunkContent,
	usageOf,
	valueAtPath,
	VertexStreamError,
	type DecodedStream,
	type TextPath,
	type DecodeStreamOptions,
	type StreamChunk,
	type StreamFormat,
	type StreamSummary,
} from './stream';
