import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { resourceId, UPLOAD_MODEL, type IfExists, type Model } from '../../lib';
import { clientFromCredential } from '../shared/client';
import { outputItem, runForEachItem } from '../shared/items';
import { sharedMethods } from '../shared/methods';
import { operationFields, startOrResumeOperation, waitSettings } from '../shared/operation';
import { CREDENTIAL_TYPE, labelsOption, waitParameters } from '../shared/parameters';
import { commaList, keyValuePairs, labelsFrom, stringList } from '../shared/values';

const probeFields = [
	{
		displayName: 'HTTP Path',
		name: 'path',
		type: 'string' as const,
		default: '/health',
		description: 'Route Vertex AI sends GET requests to; a 2xx answer counts as a success',
	},
	{
		displayName: 'Period Seconds',
		name: 'periodSeconds',
		type: 'number' as const,
		default: 10,
		description: 'Seconds between two checks',
	},
	{
		displayName: 'Timeout Seconds',
		name: 'timeoutSeconds',
		type: 'number' as const,
		default: 1,
		description: 'Seconds one check may take',
	},
	{
		displayName: 'Failure Threshold',
		name: 'failureThreshold',
		type: 'number' as const,
		default: 3,
		description: 'Failed checks in a row before the container counts as failed',
	},
	{
		displayName: 'Initial Delay Seconds',
		name: 'initialDelaySeconds',
		type: 'number' as const,
		default: 0,
		description: 'Seconds after the container starts before the first check',
	},
];

/** Maps core field paths back to this node's parameter names, for validation messages. */
const parameterLabels: Record<string, string> = {
	'model.displayName': 'Display Name',
	'model.containerSpec.imageUri': 'Image URI',
	'model.containerSpec.predictRoute': 'Predict Route',
	'model.containerSpec.healthRoute': 'Health Route',
	'model.containerSpec.invokeRoutePrefix': 'Route Mode',
	'model.containerSpec.ports': 'Port',
	'model.containerSpec.env': 'Environment Variables',
	'model.containerSpec.deploymentTimeout': 'Deployment Timeout (Seconds)',
	'model.containerSpec.sharedMemorySizeMb': 'Shared Memory (MB)',
	modelId: 'Model ID',
	parentModel: 'Parent Model',
};

export class VertexAiUploadModel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vertex AI Upload Model',
		name: 'vertexAiUploadModel',
		icon: { light: 'file:../shared/vertexAi.svg', dark: 'file:../shared/vertexAi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["displayName"]}}',
		description:
			'Register a model server container image in Vertex AI Model Registry, ready to deploy; by default every route of the server is callable through invoke',
		defaults: { name: 'Vertex AI Upload Model' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'googleVertexAiApi', required: true, testedBy: 'googleVertexAiCredentialTest' }],
		properties: [
			{
				displayName: 'Display Name',
				name: 'displayName',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. my-llm-server',
				description: 'Name of the model in Model Registry (up to 128 characters)',
			},
			{
				displayName: 'Model ID',
				name: 'modelId',
				type: 'string',
				default: '',
				placeholder: 'e.g. my-model',
				description:
					'Optional ID of your choice: letter first with lowercase letters, digits and hyphens (up to 63), or up to 9 digits. Left empty, Vertex AI picks a number. With an ID a re-run cannot create a duplicate: see "If the Model ID Exists".',
			},
			{
				displayName: 'If the Model ID Exists',
				name: 'ifExists',
				type: 'options',
				options: [
					{ name: 'Fail', value: 'fail', description: 'Stop with an error' },
					{
						name: 'Use the Existing Model',
						value: 'use',
						description: 'Output the existing model, so a re-run of the workflow goes on',
					},
				],
				default: 'fail',
				description: 'What to do when a model with the given Model ID already exists',
				displayOptions: { hide: { modelId: [''] } },
			},
			{
				displayName: 'Image URI',
				name: 'imageUri',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. us-docker.pkg.dev/my-project/repo/server:latest',
				description: 'The model server container image, e.g. in Artifact Registry; Vertex AI must be allowed to pull it',
			},
			{
				displayName: 'Route Mode',
				name: 'routeMode',
				type: 'options',
				options: [
					{
						name: 'Invoke (Any Route)',
						value: 'invoke',
						description: 'Every non-root path of the server is reachable through /invoke (invokeRoutePrefix "/*")',
					},
					{
						name: 'Predict Route',
						value: 'predict',
						description: 'Only the predict route is reachable, through :predict and :rawPredict',
					},
				],
				default: 'invoke',
				description: 'Which routes of the server Vertex AI exposes. The Vertex AI Invoke node needs "Invoke (Any Route)".',
			},
			{
				displayName: 'Predict Route',
				name: 'predictRoute',
				type: 'string',
				default: '/predict',
				description: 'Route of the server that :predict and :rawPredict requests are sent to',
				displayOptions: { show: { routeMode: ['predict'] } },
			},
			{
				displayName: 'Health Route',
				name: 'healthRoute',
				type: 'string',
				default: '/health',
				description: 'Path Vertex AI polls until it answers 200 before the deployment completes',
			},
			{
				displayName: 'Port',
				name: 'port',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 65535 },
				default: 8080,
				description: 'The port the server listens on (given to it as AIP_HTTP_PORT)',
			},
			{
				displayName: 'Environment Variables',
				name: 'environmentVariables',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Variable',
				default: {},
				description: 'Set in the container, beside the AIP_* variables Vertex AI sets itself',
				options: [
					{
						displayName: 'Variable',
						name: 'variable',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Command',
				name: 'command',
				type: 'string',
				typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Command Part' },
				default: [],
				description: "Replaces the image's entrypoint, one part per entry",
			},
			{
				displayName: 'Arguments',
				name: 'args',
				type: 'string',
				typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Argument' },
				default: [],
				description: "Replaces the image's default arguments, one per entry",
			},
			...waitParameters(30),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Artifact URI',
						name: 'artifactUri',
						type: 'string',
						default: '',
						placeholder: 'gs://bucket/path',
						description: 'Cloud Storage folder with model files, given to the server as AIP_STORAGE_URI',
					},
					{
						displayName: 'Deployment Timeout (Seconds)',
						name: 'deploymentTimeoutSeconds',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 7200 },
						// Servers that download large weights at start need far longer than a small API server.
						default: 3600,
						description:
							"How long a deployment of this model may take until the health route answers (at most 7200). Without this option Vertex AI's default applies.",
					},
					{
						displayName: 'Description',
						name: 'description',
						type: 'string',
						default: '',
						description: 'Description of the model in Model Registry',
					},
					{
						displayName: 'Health Probe',
						name: 'healthProbe',
						type: 'fixedCollection',
						default: {},
						description: 'How Vertex AI checks a running server is still healthy',
						options: [{ displayName: 'Probe', name: 'probe', values: probeFields }],
					},
					labelsOption,
					{
						displayName: 'Parent Model',
						name: 'parentModel',
						type: 'string',
						default: '',
						placeholder: 'e.g. my-model',
						description: 'ID or resource name of an existing model: upload as a new version of it instead of a new model',
					},
					{
						displayName: 'Service Account',
						name: 'serviceAccount',
						type: 'string',
						default: '',
						placeholder: 'e.g. uploader@my-project.iam.gserviceaccount.com',
						description: 'Service account the upload reads the artifacts as',
					},
					{
						displayName: 'Shared Memory (MB)',
						name: 'sharedMemorySizeMb',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 1024,
						description: 'VM memory reserved as /dev/shm for the container, e.g. for PyTorch data loaders or vLLM',
					},
					{
						displayName: 'Startup Probe',
						name: 'startupProbe',
						type: 'fixedCollection',
						default: {},
						description: 'How Vertex AI checks a starting server is up, before the health checks begin',
						options: [{ displayName: 'Probe', name: 'probe', values: probeFields }],
					},
					{
						displayName: 'Version Aliases',
						name: 'versionAliases',
						type: 'string',
						default: '',
						placeholder: 'e.g. default, candidate',
						description: 'Comma-separated aliases for this version',
					},
				],
			},
		],
	};

	methods = sharedMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const client = clientFromCredential(await this.getCredentials(CREDENTIAL_TYPE));
		return await runForEachItem(
			this,
			async (i, signal) => {
				let existing: Model | undefined;
				const settings = waitSettings(this, i);
				const request = uploadRequest(this, i);
				const { operation, result } = await startOrResumeOperation(this, client, settings, UPLOAD_MODEL, signal, async () => {
					const uploaded = await client.uploadModel(request, { signal });
					existing = uploaded.existing;
					return uploaded.operation;
				});
				const model = existing?.name ?? result?.model;
				const json: IDataObject = { ...operationFields(operation), existed: existing !== undefined };
				if (model) {
					json.model = model;
					json.modelId = resourceId(model);
					json.modelVersionId = existing?.versionId ?? result?.modelVersionId ?? null;
				}
				return [outputItem(i, json)];
			},
			{ parameterOf: (field) => parameterLabels[field] },
		);
	}
}

/** A probe option ({ probe: { path, timings } }) to Vertex's Probe with an httpGet action. */
function probeFrom(value: unknown): Record<string, unknown> | undefined {
	const probe = (value as { probe?: IDataObject } | undefined)?.probe;
	if (!probe) return undefined;
	const { path, ...timings } = probe;
	return { httpGet: { path }, ...timings };
}

/** Parameters of one item to the body of models:upload, in Vertex's JSON names. */
function uploadRequest(ctx: IExecuteFunctions, i: number) {
	const param = <T>(name: string, fallback?: T) => ctx.getNodeParameter(name, i, fallback) as T;
	const options = param<IDataObject>('options', {});
	const invoke = param<string>('routeMode', 'invoke') === 'invoke';
	const deploymentTimeout = options.deploymentTimeoutSeconds as number | undefined;
	const sharedMemory = options.sharedMemorySizeMb as number | undefined;
	const containerSpec = {
		imageUri: param<string>('imageUri').trim(),
		command: stringList(param('command', [])),
		args: stringList(param('args', [])),
		env: keyValuePairs(param('environmentVariables', {}), 'variable').map(([name, value]) => ({ name, value })),
		ports: [{ containerPort: param<number>('port', 8080) }],
		healthRoute: param<string>('healthRoute', '') || undefined,
		...(invoke ? { invokeRoutePrefix: '/*' } : { predictRoute: param<string>('predictRoute', '') }),
		deploymentTimeout: deploymentTimeout ? `${deploymentTimeout}s` : undefined,
		sharedMemorySizeMb: sharedMemory ? String(sharedMemory) : undefined,
		startupProbe: probeFrom(options.startupProbe),
		healthProbe: probeFrom(options.healthProbe),
	};
	const aliases = commaList(options.versionAliases);
	return {
		model: {
			displayName: param<string>('displayName').trim(),
			description: (options.description as string) || undefined,
			artifactUri: (options.artifactUri as string) || undefined,
			labels: labelsFrom(options.labels),
			versionAliases: aliases.length ? aliases : undefined,
			containerSpec,
		},
		modelId: param<string>('modelId', '').trim() || undefined,
		ifExists: param<IfExists>('ifExists', 'fail'),
		parentModel: (options.parentModel as string) || undefined,
		serviceAccount: (options.serviceAccount as string) || undefined,
	};
}
