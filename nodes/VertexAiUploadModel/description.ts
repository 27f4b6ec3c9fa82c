import type { INodeProperties } from 'n8n-workflow';

import { CALLER_ID, DEFAULT_CONTAINER_PORT, IMAGE_URI } from '../../lib';
import { resumeOperationOption, waitParameters } from '../shared/operation';
import { formatNotice, labelsOption } from '../shared/parameters';
import { usePreviewApiProperty } from '../shared/preview';
import { additionalFieldsOption, kmsKeyOption } from '../shared/requestFields';

/** The parameters of Vertex AI Upload Model. */


const probeFields = [
	{
		displayName: 'HTTP Path',
		name: 'path',
		type: 'string' as const,
		default: '/health',
		required: true,
		description: 'Route Vertex AI sends GET requests to; a 2xx answer counts as a success',
	},
	{
		displayName: 'Period Seconds',
		name: 'periodSeconds',
		type: 'number' as const,
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 10,
		description: 'Seconds between two checks',
	},
	{
		displayName: 'Timeout Seconds',
		name: 'timeoutSeconds',
		type: 'number' as const,
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 1,
		description: 'Seconds one check may take',
	},
	{
		displayName: 'Failure Threshold',
		name: 'failureThreshold',
		type: 'number' as const,
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 3,
		description: 'Failed checks in a row before the container counts as failed',
	},
	{
		displayName: 'Initial Delay Seconds',
		name: 'initialDelaySeconds',
		type: 'number' as const,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		default: 0,
		description: 'Seconds after the container starts before the first check',
	},
];

export const properties: INodeProperties[] = [
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
		hint: 'The output carries it as modelId: Deploy Model after this node deploys it without further wiring',
	},
	formatNotice(
		'modelId',
		CALLER_ID.source,
		'A Model ID is a lowercase letter first, then lowercase letters, digits and "-" (up to 63, not ending in "-"), or 1 to 9 digits: e.g. my-model-1',
	),
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
		hint: 'Trying it with the local emulator? Type emulator/sample-model-server, its built-in sample server (chat, /generate, /echo). On Vertex AI: your image in Artifact Registry.',
	},
	formatNotice('imageUri', IMAGE_URI.source, `The Image URI must be ${IMAGE_URI.rule}`),
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
		required: true,
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
		typeOptions: { minValue: 1, maxValue: 65535, numberPrecision: 0 },
		default: DEFAULT_CONTAINER_PORT,
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
	...waitParameters(30, 'options'),
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
				typeOptions: { minValue: 1, maxValue: 7200, numberPrecision: 0 },
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
			additionalFieldsOption('UploadModelRequest', '{"model": {"versionDescription": "first try"}}'),
			kmsKeyOption('model'),
			labelsOption,
			{
				displayName: 'Parent Model',
				name: 'parentModel',
				type: 'string',
				default: '',
				placeholder: 'e.g. my-model',
				description: 'ID or resource name of an existing model: upload as a new version of it instead of a new model',
			},
			resumeOperationOption,
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
				typeOptions: { minValue: 1, numberPrecision: 0 },
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
			usePreviewApiProperty('preview-only fields given in Additional Fields (JSON), such as explanation examples read from Cloud Storage,'),
		],
	},
];
