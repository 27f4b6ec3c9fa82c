import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { CALLER_ID, CREATE_ENDPOINT, resourceId, type CreateEndpointInput, type Endpoint } from '../../lib';
import { nodeRun } from '../shared/client';
import { outputItem, withCarriedIds } from '../shared/items';
import { sharedMethods } from '../shared/methods';
import { operationFields, resumeOperationOption, startOrReuse, waitParameters, waitSettings, type WaitSettings } from '../shared/operation';
import { formatNotice, labelsOf, labelsOption } from '../shared/parameters';
import type { ParameterReader } from '../shared/read';
import { additionalFieldsOf, additionalFieldsOption, encryptionSpecOf, kmsKeyOption } from '../shared/requestFields';

/** Core field paths (the Endpoint sits under `endpoint` in the create input) to the parameters that set them. */
const CORE_FIELDS: Record<string, string> = {
	'endpoint.displayName': 'displayName',
	'endpoint.description': 'options.description',
	'endpoint.labels': 'options.labels',
	'endpoint.encryptionSpec': 'options.kmsKeyName',
	additionalFields: 'options.additionalFields',
	endpointId: 'endpointId',
	'endpoint.clientConnectionConfig.inferenceTimeout': 'inferenceTimeoutSeconds',
	ifExists: 'ifExists',
	resumeOperation: 'options.resumeOperationName',
};

/** The endpoint's ids (first in the output), then what else the output says about it. */
function endpointFields(endpoint: Endpoint): { ids: IDataObject; about: IDataObject } {
	return {
		ids: { endpointId: resourceId(endpoint.name), endpoint: endpoint.name },
		about: { displayName: endpoint.displayName ?? null, dedicatedEndpointDns: endpoint.dedicatedEndpointDns ?? null },
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
				const ready =
					settings.timeoutMs !== undefined
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
	const endpointId = read.text(i, 'endpointId', { pattern: CALLER_ID.pattern, rule: CALLER_ID.rule }) || undefined;
	return {
		endpointId,
		ifExists: endpointId ? read.option<'fail' | 'use'>(i, 'ifExists') : ('fail' as const),
		endpoint: {
			displayName: read.text(i, 'displayName', { required: true, maxLength: 128 }),
			description: read.text(i, 'options.description') || undefined,
			labels: labelsOf(read, i),
			dedicatedEndpointEnabled: true,
			clientConnectionConfig: { inferenceTimeout: `${read.number(i, 'inferenceTimeoutSeconds')}s` },
			encryptionSpec: encryptionSpecOf(read, i),
		},
		additionalFields: additionalFieldsOf(read, i),
	};
}
