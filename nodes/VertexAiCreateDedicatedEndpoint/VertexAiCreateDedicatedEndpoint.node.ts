import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	CALLER_ID,
	CREATE_ENDPOINT,
	DISPLAY_NAME_MAX_LENGTH,
	isPrivateServiceConnect,
	PROJECT,
	resourceId,
	VPC_NETWORK,
	type CreateEndpointInput,
	type Endpoint,
	type IfExists,
	type PrivateServiceConnectConfigInput,
} from '../../lib';
import { nodeRun } from '../shared/client';
import { outputItem, withCarriedIds } from '../shared/items';
import { sharedMethods } from '../shared/methods';
import { operationFields, resumeOperationOption, startOrReuse, waitParameters, waitSettings, type WaitSettings } from '../shared/operation';
import { formatNotice, labelsOf, labelsOption } from '../shared/parameters';
import type { ParameterReader } from '../shared/read';
import { commaList } from '../shared/values';
import { apiVersionOf, usePreviewApiProperty } from '../shared/preview';
import { additionalFieldsOf, additionalFieldsOption, encryptionSpecOf, kmsKeyOption } from '../shared/requestFields';

/** Core field paths (the Endpoint sits under `endpoint` in the create input) to the parameters that set them. */
const CORE_FIELDS: Record<string, string> = {
	'endpoint.displayName': 'displayName',
	'endpoint.description': 'options.description',
	'endpoint.labels': 'options.labels',
	'endpoint.encryptionSpec': 'options.kmsKeyName',
	additionalFields: 'options.additionalFields',
	apiVersion: 'options.usePreviewApi',
	endpointId: 'endpointId',
	'endpoint.clientConnectionConfig.inferenceTimeout': 'inferenceTimeoutSeconds',
	ifExists: 'ifExists',
	resumeOperation: 'options.resumeOperationName',
	'endpoint.privateServiceConnectConfig.projectAllowlist': 'projectAllowlist',
	'endpoint.privateServiceConnectConfig.pscAutomationConfigs': 'pscAutomationConfigs',
	'endpoint.privateServiceConnectConfig': 'networkAccess',
	'endpoint.dedicatedEndpointEnabled': 'publicDnsToo',
};

/**
 * What the output says about a Private Service Connect endpoint: its service attachment (set once Vertex made it,
 * which can be at the first deploy) and, for each automation config, the forwarding rule Vertex created: its
 * address (what Invoke's Private Address takes), state and error.
 */
function privateServiceConnectFields(endpoint: Endpoint): IDataObject | undefined {
	const config = endpoint.privateServiceConnectConfig;
	if (!isPrivateServiceConnect(endpoint) || !config) return undefined;
	const automatedEndpoints = (config.pscAutomationConfigs ?? []).map((automation) => {
		const field = (name: string) => (typeof automation[name] === 'string' && automation[name] !== '' ? (automation[name] as string) : null);
		return {
			projectId: field('projectId'),
			network: field('network'),
			ipAddress: field('ipAddress'),
			forwardingRule: field('forwardingRule'),
			state: field('state'),
			errorMessage: field('errorMessage'),
		};
	});
	return {
		serviceAttachment: config.serviceAttachment || null,
		projectAllowlist: config.projectAllowlist ?? [],
		automatedEndpoints,
	};
}

/** The endpoint's ids (first in the output), then what else the output says about it. */
function endpointFields(endpoint: Endpoint): { ids: IDataObject; about: IDataObject } {
	return {
		ids: { endpointId: resourceId(endpoint.name), endpoint: endpoint.name },
		about: {
			displayName: endpoint.displayName ?? null,
			dedicatedEndpointDns: endpoint.dedicatedEndpointDns ?? null,
			...(isPrivateServiceConnect(endpoint) ? { privateServiceConnect: privateServiceConnectFields(endpoint) } : {}),
		},
	};
}

const properties: INodeProperties[] = [
	{
		displayName: 'Display Name',
		name: 'displayName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. chat-endpoint',
		description: 'Name of the endpoint in the Google Cloud console',
	},
	{
		displayName: 'Endpoint ID',
		name: 'endpointId',
		type: 'string',
		default: '',
		placeholder: 'e.g. chat-endpoint or 1234567',
		description:
			'Optional ID of your choice: letter first with lowercase letters, digits and hyphens (up to 63), or up to 9 digits. Left empty, Vertex AI picks a number.',
		hint: 'The output carries it as endpointId (and the incoming modelId on): Deploy Model and Invoke after this node use it without further wiring',
	},
	formatNotice(
		'endpointId',
		CALLER_ID.source,
		'An Endpoint ID is a lowercase letter first, then lowercase letters, digits and "-" (up to 63, not ending in "-"), or 1 to 9 digits: e.g. chat-endpoint',
	),
	{
		displayName: 'If the ID Exists',
		name: 'ifExists',
		type: 'options',
		options: [
			{ name: 'Fail', value: 'fail', description: 'Stop with an error' },
			{
				name: 'Use the Existing Endpoint',
				value: 'use',
				description: 'Output the existing endpoint, so a re-run of the workflow goes on',
			},
		],
		default: 'fail',
		description: 'What to do when an endpoint with this Endpoint ID already exists',
		displayOptions: { hide: { endpointId: [''] } },
	},
	{
		displayName: 'Inference Timeout (Seconds)',
		name: 'inferenceTimeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 3600, numberPrecision: 0 },
		default: 600,
		description: 'How long one invoke request may take before Vertex AI ends it (at most 3600)',
	},
	{
		displayName: 'Network Access',
		name: 'networkAccess',
		type: 'options',
		options: [
			{ name: 'Public Dedicated DNS', value: 'public', description: 'Reachable over the internet at its own DNS name' },
			{
				name: 'Private Service Connect',
				value: 'privateServiceConnect',
				description: 'Reachable only from VPC networks of the allowed projects, through a PSC forwarding rule',
			},
		],
		default: 'public',
		description: 'How the endpoint is reached for invoke calls',
	},
	{
		displayName: 'Allowed Projects',
		name: 'projectAllowlist',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. my-project, my-network-project',
		description: 'Projects (IDs or numbers, separated by commas) whose forwarding rules may connect to the endpoint\'s service attachment',
		displayOptions: { show: { networkAccess: ['privateServiceConnect'] } },
	},
	{
		displayName: 'Automated PSC Endpoints',
		name: 'pscAutomationConfigs',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Network',
		default: {},
		description:
			'Networks where Vertex AI creates the forwarding rule (the private address) by itself. Without any, create the forwarding rule to the service attachment yourself.',
		displayOptions: { show: { networkAccess: ['privateServiceConnect'] } },
		options: [
			{
				displayName: 'Network',
				name: 'config',
				values: [
					{
						displayName: 'Project ID',
						name: 'projectId',
						type: 'string',
						default: '',
						placeholder: 'e.g. my-network-project',
						description: 'Project the forwarding rule is created in',
					},
					{
						displayName: 'Network',
						name: 'network',
						type: 'string',
						default: '',
						placeholder: 'e.g. projects/my-network-project/global/networks/default',
						description: 'Full name of the VPC network: projects/{project}/global/networks/{network}',
					},
				],
			},
		],
	},
	{
		displayName: 'Also Public Dedicated DNS',
		name: 'publicDnsToo',
		type: 'boolean',
		default: false,
		description:
			'Whether to ask for a public dedicated DNS name too (dedicatedEndpointEnabled). Off, the endpoint is reached only through Private Service Connect. The node does not wait for a DNS name either way: the output shows the one Vertex AI reports, if any.',
		displayOptions: { show: { networkAccess: ['privateServiceConnect'] } },
	},
	...waitParameters(15, 'options'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				default: '',
				description: 'Description of the endpoint',
			},
			additionalFieldsOption('Endpoint', '{"predictRequestResponseLoggingConfig": {"enabled": true, "samplingRate": 0.1}}'),
			kmsKeyOption('endpoint'),
			labelsOption,
			resumeOperationOption,
			usePreviewApiProperty('preview-only fields given in Additional Fields (JSON), such as secure Private Service Connect or OpenTelemetry request logging,'),
		],
	},
];

export class VertexAiCreateDedicatedEndpoint implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Vertex AI Create Dedicated Endpoint',
		name: 'vertexAiCreateDedicatedEndpoint',
		icon: { light: 'file:../shared/vertexAi.svg', dark: 'file:../shared/vertexAi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["displayName"]}}',
		description:
			'Create a dedicated Vertex AI endpoint (the kind invoke-enabled models deploy to) and wait until its DNS name is ready',
		defaults: { name: 'Vertex AI Create Dedicated Endpoint' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'googleVertexAiApi', required: true, testedBy: 'googleVertexAiCredentialTest' }],
		properties,
	};

	methods = sharedMethods;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { read, runItems } = nodeRun(this, properties, CORE_FIELDS);
		return await runItems<PreparedCreate>(
			async (i, signal, client, { request, settings }) => {
				const { operation, result, existing } = await startOrReuse(this, client, settings, CREATE_ENDPOINT, signal, () =>
					client.createEndpoint(request, { signal }),
				);
				if (operation && !operation.done) return [outputItem(i, withCarriedIds(this, i, {}, operationFields(operation)))];

				const endpoint = (existing ?? result) as Endpoint;
				// A PSC endpoint is reached through its private address; whether Vertex also gives it a public DNS name is
				// not documented, so the node does not wait for one (what Vertex reports is in the output).
				const waitsForDns =
					settings.timeoutMs !== undefined && request.endpoint.privateServiceConnectConfig === undefined && !isPrivateServiceConnect(endpoint);
				const ready =
					waitsForDns
						? await client.waitForDedicatedEndpointDns(endpoint.name, { timeoutMs: settings.timeoutMs, signal })
						: endpoint;
				const { ids, about } = endpointFields(ready);
				return [outputItem(i, withCarriedIds(this, i, ids, { ...about, existed: existing !== undefined, ...operationFields(operation) }))];
			},
			{ prepare: (i) => ({ request: createRequest(read, i), settings: waitSettings(read, i) }) },
		);
	}
}

/** One item's create, read and checked before any item sends a request: exactly what its run sends. */
interface PreparedCreate {
	request: CreateEndpointInput;
	settings: WaitSettings;
}

/** Parameters of one item to the core's create input, checked. */
function createRequest(read: ParameterReader, i: number): CreateEndpointInput {
	const endpointId = read.text(i, 'endpointId', CALLER_ID) || undefined;
	const privateServiceConnectConfig = privateServiceConnectOf(read, i);
	return {
		endpointId,
		ifExists: endpointId ? read.option<IfExists>(i, 'ifExists') : 'fail',
		endpoint: {
			displayName: read.text(i, 'displayName', { required: true, maxLength: DISPLAY_NAME_MAX_LENGTH }),
			description: read.text(i, 'options.description') || undefined,
			labels: labelsOf(read, i),
			dedicatedEndpointEnabled: privateServiceConnectConfig ? read.boolean(i, 'publicDnsToo') : true,
			clientConnectionConfig: { inferenceTimeout: `${read.number(i, 'inferenceTimeoutSeconds')}s` },
			...(privateServiceConnectConfig ? { privateServiceConnectConfig } : {}),
			encryptionSpec: encryptionSpecOf(read, i),
		},
		additionalFields: additionalFieldsOf(read, i),
		apiVersion: apiVersionOf(read, i, 'options.usePreviewApi'),
	};
}

/** The Private Service Connect part of the request, each project and network checked; undefined for a public endpoint. */
function privateServiceConnectOf(read: ParameterReader, i: number): PrivateServiceConnectConfigInput | undefined {
	if (read.option(i, 'networkAccess') !== 'privateServiceConnect') return undefined;
	const projectAllowlist = commaList(read.text(i, 'projectAllowlist', { required: true })).map((project) =>
		read.checkText(i, 'projectAllowlist', project, { pattern: PROJECT.pattern, rule: `${PROJECT.rule}, separated by commas` }),
	);
	const pscAutomationConfigs = read.rows(i, 'pscAutomationConfigs.config').map((row) => ({
		projectId: read.checkText(i, 'pscAutomationConfigs.config.projectId', row.projectId, { required: true, ...PROJECT }),
		network: read.checkText(i, 'pscAutomationConfigs.config.network', row.network, {
			required: true,
			pattern: VPC_NETWORK.pattern,
			rule: VPC_NETWORK.rule,
		}),
	}));
	return { enablePrivateServiceConnect: true, projectAllowlist, ...(pscAutomationConfigs.length > 0 ? { pscAutomationConfigs } : {}) };
}
