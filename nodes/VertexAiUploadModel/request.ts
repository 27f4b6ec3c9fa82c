import { CALLER_ID, DISPLAY_NAME_MAX_LENGTH, ENV_VAR_NAME, INVOKE_ROUTE_PREFIX, GCS_URI, IMAGE_URI, MODEL_NAME, SERVER_ROUTE, SERVICE_ACCOUNT_EMAIL, VERSION_ALIAS, type IfExists, type UploadModelInput } from '../../lib';
import { waitSettings, type WaitSettings } from '../shared/operation';
import { labelsOf } from '../shared/parameters';
import type { ParameterReader } from '../shared/read';
import { apiVersionOf } from '../shared/preview';
import { additionalFieldsOf, encryptionSpecOf } from '../shared/requestFields';
import { commaList, keyValuePairs } from '../shared/values';

/** Core field paths to the parameters that set them, for the core's validation errors. */
export const CORE_FIELDS: Record<string, string> = {
	'model.displayName': 'displayName',
	'model.description': 'options.description',
	'model.artifactUri': 'options.artifactUri',
	'model.labels': 'options.labels',
	'model.encryptionSpec': 'options.kmsKeyName',
	additionalFields: 'options.additionalFields',
	apiVersion: 'options.usePreviewApi',
	'model.versionAliases': 'options.versionAliases',
	'model.containerSpec.imageUri': 'imageUri',
	'model.containerSpec.command': 'command',
	'model.containerSpec.args': 'args',
	'model.containerSpec.predictRoute': 'predictRoute',
	'model.containerSpec.healthRoute': 'healthRoute',
	'model.containerSpec.invokeRoutePrefix': 'routeMode',
	'model.containerSpec.ports': 'port',
	'model.containerSpec.env': 'environmentVariables',
	'model.containerSpec.deploymentTimeout': 'options.deploymentTimeoutSeconds',
	'model.containerSpec.sharedMemorySizeMb': 'options.sharedMemorySizeMb',
	'model.containerSpec.startupProbe': 'options.startupProbe',
	'model.containerSpec.healthProbe': 'options.healthProbe',
	modelId: 'modelId',
	ifExists: 'ifExists',
	parentModel: 'options.parentModel',
	serviceAccount: 'options.serviceAccount',
	resumeOperation: 'options.resumeOperationName',
};

/** One item's upload, read and checked before any item sends a request: exactly what its run sends. */
export interface PreparedUpload {
	request: UploadModelInput;
	settings: WaitSettings;
}

export function prepareUpload(read: ParameterReader, i: number): PreparedUpload {
	return { settings: waitSettings(read, i), request: uploadRequest(read, i) };
}

/** A probe option (`options.healthProbe`: { probe: { path, timings } }) to Vertex's Probe with an httpGet action. */
function probeOf(read: ParameterReader, i: number, path: string): Record<string, unknown> | undefined {
	const [probe] = read.rows(i, `${path}.probe`);
	if (!probe) return undefined;
	const field = (name: string) => `${path}.probe.${name}`;
	return {
		httpGet: { path: read.checkText(i, field('path'), probe.path, { required: true, ...SERVER_ROUTE }) },
		periodSeconds: read.checkNumber(i, field('periodSeconds'), probe.periodSeconds),
		timeoutSeconds: read.checkNumber(i, field('timeoutSeconds'), probe.timeoutSeconds),
		failureThreshold: read.checkNumber(i, field('failureThreshold'), probe.failureThreshold),
		initialDelaySeconds: read.checkNumber(i, field('initialDelaySeconds'), probe.initialDelaySeconds),
	};
}

/** Parameters of one item to the body of models:upload, in Vertex's JSON names, every one checked. */
function uploadRequest(read: ParameterReader, i: number): UploadModelInput {
	const invoke = read.option(i, 'routeMode') === 'invoke';
	const deploymentTimeout = read.optionalNumber(i, 'options.deploymentTimeoutSeconds');
	const sharedMemory = read.optionalNumber(i, 'options.sharedMemorySizeMb');
	const route = (name: string, required = false) =>
		read.text(i, name, { required, ...SERVER_ROUTE }) || undefined;
	const env = keyValuePairs(read, i, 'environmentVariables.variable', {
		nameField: 'name',
		name: { ...ENV_VAR_NAME },
	});
	const containerSpec = {
		imageUri: read.text(i, 'imageUri', { required: true, ...IMAGE_URI }),
		command: read.list(i, 'command'),
		args: read.list(i, 'args'),
		env: env.map(([name, value]) => ({ name, value })),
		ports: [{ containerPort: read.number(i, 'port') }],
		healthRoute: route('healthRoute'),
		...(invoke ? { invokeRoutePrefix: INVOKE_ROUTE_PREFIX } : { predictRoute: route('predictRoute', true) }),
		deploymentTimeout: deploymentTimeout === undefined ? undefined : `${deploymentTimeout}s`,
		sharedMemorySizeMb: sharedMemory === undefined ? undefined : String(sharedMemory),
		startupProbe: probeOf(read, i, 'options.startupProbe'),
		healthProbe: probeOf(read, i, 'options.healthProbe'),
	};
	const aliases = commaList(read.text(i, 'options.versionAliases'));
	for (const alias of aliases) {
		read.checkText(i, 'options.versionAliases', alias, {
			pattern: VERSION_ALIAS.pattern,
			rule: `aliases separated by commas, each ${VERSION_ALIAS.rule}`,
		});
	}
	const modelId = read.text(i, 'modelId', { ...CALLER_ID }) || undefined;
	return {
		model: {
			displayName: read.text(i, 'displayName', { required: true, maxLength: DISPLAY_NAME_MAX_LENGTH }),
			description: read.text(i, 'options.description') || undefined,
			artifactUri:
				read.text(i, 'options.artifactUri', { ...GCS_URI }) ||
				undefined,
			labels: labelsOf(read, i),
			versionAliases: aliases.length ? aliases : undefined,
			containerSpec,
			encryptionSpec: encryptionSpecOf(read, i),
		},
		additionalFields: additionalFieldsOf(read, i),
		apiVersion: apiVersionOf(read, i, 'options.usePreviewApi'),
		modelId,
		ifExists: modelId ? read.option<IfExists>(i, 'ifExists') : 'fail',
		parentModel:
			read.text(i, 'options.parentModel', { ...MODEL_NAME }) || undefined,
		serviceAccount: read.text(i, 'options.serviceAccount', { ...SERVICE_ACCOUNT_EMAIL }) || undefined,
	};
}
