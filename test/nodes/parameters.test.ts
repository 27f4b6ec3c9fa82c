/**
 * A bad value for every parameter of every node, and for every field of the credential, generated from their
 * descriptions: the properties are walked (collection options and fixedCollection fields included), each is
 * shown through its displayOptions, and given the invalid values of its type. Each case runs the node through
 * n8n's engine against the emulator and must end in a NodeOperationError naming the parameter's label, with
 * nothing sent and no secret shown. A parameter with no case and no exemption fails the suite, so a new
 * parameter cannot go unchecked.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters, INodeProperties, INodePropertyCollection, INodePropertyOptions, INodeType } from 'n8n-workflow';

import packageJson from '../../package.json';
import { GoogleVertexAiApi } from '../../credentials/GoogleVertexAiApi.credentials';
import { BUILT_IN_IMAGE } from '../../emulator/images';
import { VertexAiCreateDedicatedEndpoint } from '../../nodes/VertexAiCreateDedicatedEndpoint/VertexAiCreateDedicatedEndpoint.node';
import { VertexAiDeployModel } from '../../nodes/VertexAiDeployModel/VertexAiDeployModel.node';
import { VertexAiInvoke } from '../../nodes/VertexAiInvoke/VertexAiInvoke.node';
import { VertexAiManage } from '../../nodes/VertexAiManage/VertexAiManage.node';
import { VertexAiUploadModel } from '../../nodes/VertexAiUploadModel/VertexAiUploadModel.node';
import { callCredentialTest, chain, sourceNode } from '../harness/n8n-engine';
import {
	TYPE,
	credentialTypes,
	deployModel,
	emulatorWithCredential,
	expectNoSecrets,
	expectNothingSent,
	locator,
	privateKeyFragments,
	resetEmulator,
	runNodes,
	type NodeEnv,
} from './support';

type NodeKey = keyof typeof TYPE;

const NODES: Record<NodeKey, new () => INodeType> = {
	upload: VertexAiUploadModel,
	create: VertexAiCreateDedicatedEndpoint,
	deploy: VertexAiDeployModel,
	invoke: VertexAiInvoke,
	manage: VertexAiManage,
};

/** Registered nodes this suite does not run (class name to the reason); each needs its own bad-value cases. */
const NOT_WALKED: Record<string, string> = {
	VertexAiChatModel: 'an AI sub-node (supplyData, no execute): its parameters are checked before any request in test/nodes/chat-model.test.ts',
	VertexAiEmbeddings: 'an AI sub-node (supplyData, no execute): its parameters are checked before any request in test/nodes/embeddings.test.ts',
};

/** Valid parameters of each node: a case changes only the parameter it is about (and what shows it). */
const BASE: Record<NodeKey, INodeParameters> = {
	upload: { displayName: 'x', imageUri: BUILT_IN_IMAGE },
	// Allowed Projects and Private Address are required only where Private Service Connect shows them.
	create: { displayName: 'x', projectAllowlist: 'my-project' },
	deploy: { endpoint: locator('base-endpoint'), model: locator('base-model'), machineType: 'n1-standard-4' },
	invoke: { endpoint: locator('base-endpoint'), path: '/echo', deployedModel: locator('123'), privateAddress: '10.128.0.3' },
	manage: {
		endpoint: locator('base-endpoint'),
		model: locator('base-model'),
		deployedModel: locator('123'),
		operationName: 'projects/my-project/locations/us-central1/operations/1',
		version: '2',
		trafficSplit: { share: [{ deployedModelId: '111', percent: 100 }] },
		deploymentResourcePool: locator('base-pool'),
		deploymentResourcePoolId: 'base-pool',
	},
};

/** Valid fields of a fixedCollection row, beside the one a case breaks (`node.collection.group`). */
const ROW_VALID: Record<string, IDataObject> = {
	'upload.environmentVariables.variable': { name: 'MY_VAR', value: 'v' },
	'upload.options.labels.label': { key: 'team', value: 'a' },
	'create.options.labels.label': { key: 'team', value: 'a' },
	'create.pscAutomationConfigs.config': { projectId: 'my-project', network: 'projects/my-project/global/networks/default' },
	'deploy.trafficSplit.share': { deployedModelId: '0', percent: 100 },
	'deploy.autoscalingMetrics.metric': { metric: 'aiplatform.googleapis.com/prediction/online/cpu/utilization', target: 60, subscriptionId: 'requests-sub' },
	'manage.trafficSplit.share': { deployedModelId: '111', percent: 100 },
	'manage.updateFields.labels.label': { key: 'team', value: 'a' },
	'manage.updateFields.autoscalingMetrics.metric': { metric: 'custom', customMetricName: 'aiplatform.googleapis.com/prediction/online/request_count', target: 60, subscriptionId: 'requests-sub' },
	'manage.options.autoscalingMetrics.metric': { metric: 'custom', customMetricName: 'aiplatform.googleapis.com/prediction/online/request_count', target: 60, subscriptionId: 'requests-sub' },
	'invoke.headers.header': { name: 'X-Test', value: 'v' },
};

/** Values that show a parameter hidden while a string parameter is empty (`hide: { modelId: [''] }`). */
const SHOWING_TEXT: Record<string, string> = { modelId: 'some-model', endpointId: 'some-endpoint' };

const LONG_NAME = 'x'.repeat(129);
const BAD_OPERATION = ['not an operation', 'projects/p/locations/us-central1/operations/../1'];

/** Malformed values of string parameters with a format, by `node.path` (Manage: for every operation). */
const MALFORMED: Record<string, unknown[]> = {
	'upload.displayName': [LONG_NAME],
	'upload.modelId': ['Bad_ID'],
	'upload.imageUri': ['us-docker.pkg.dev/p/r/i:1 x', 'us-docker.pkg.dev/p/r/i\r\nx'],
	'upload.predictRoute': ['predict', '/p\r\nx'],
	'upload.healthRoute': ['health', '/a b'],
	'upload.environmentVariables.variable.name': ['1BAD', 'A-B'],
	'upload.resumeOperationName': BAD_OPERATION,
	'upload.options.resumeOperationName': BAD_OPERATION,
	'upload.options.artifactUri': ['https://bucket/x', 'gs://b b'],
	'upload.options.healthProbe.probe.path': ['health', '/h\r\nx'],
	'upload.options.startupProbe.probe.path': ['health'],
	'upload.options.labels.label.key': ['Bad Key'],
	'upload.options.labels.label.value': ['Bad Value!'],
	'upload.options.parentModel': ['../x', 'a#b'],
	'upload.options.serviceAccount': ['not-an-email'],
	'upload.options.versionAliases': ['Bad Alias'],
	'upload.options.kmsKeyName': ['my-key', 'projects/p/locations/us-central1/keyRings/r/cryptoKeys/../k'],
	'upload.options.additionalFields': ['{"model": {"lables": {}}}', '[1]', '{"model": {"displayName": 7}}'],
	'create.displayName': [LONG_NAME],
	'create.endpointId': ['Bad_ID'],
	'create.resumeOperationName': BAD_OPERATION,
	'create.options.resumeOperationName': BAD_OPERATION,
	'create.options.labels.label.key': ['Bad Key'],
	'create.options.labels.label.value': ['Bad Value!'],
	'create.projectAllowlist': ['My Project', 'my-project, ../x'],
	'create.pscAutomationConfigs.config.projectId': ['My Project'],
	'create.pscAutomationConfigs.config.network': ['default', 'projects/my-project/global/networks/../x', 'https://www.googleapis.com/compute/v1/projects/p/global/networks/n'],
	'create.options.kmsKeyName': ['my-key'],
	'create.options.additionalFields': ['{"descripton": "x"}', '{"deployedModels": []}', '{"trafficSplit": {"1": "all"}}'],
	'deploy.deployedModelDisplayName': [LONG_NAME],
	'deploy.machineType': ['n1 standard 4'],
	'deploy.trafficSplit.share.deployedModelId': ['abc', '-1'],
	'deploy.resumeOperationName': BAD_OPERATION,
	'deploy.options.resumeOperationName': BAD_OPERATION,
	'deploy.options.serviceAccount': ['not-an-email'],
	'deploy.deploymentResourcePool': ['  ', 'Bad Pool!', '../x', 'projects/p/locations/europe-west4/deploymentResourcePools/pool'],
	'deploy.autoscalingMetrics.metric.customMetricName': ['cpu', 'x.googleapis.com/../m'],
	'deploy.autoscalingMetrics.metric.subscriptionId': ['1sub', 'a b'],
	'deploy.autoscalingMetrics.metric.subscriptionProject': ['Bad_Project'],
	'deploy.options.reservationNames': ['my-h100s', '../x', 'projects/p/zones/us-central1-a/reservations/Bad'],
	'deploy.options.gpuPartitionSize': ['half', '1g.10GB'],
	'deploy.options.previousDeployedModel': ['abc', '-1', '../x'],
	'deploy.options.tpuTopology': ['2by2', '2x2x2x2'],
	'deploy.options.additionalFields': ['{"deployedModel": {"dedicatedResources": {"minReplicaCont": 1}}}', '[1]', '{"deployedModel": {"rolloutOptions": {}}}'],
	'invoke.path': ['no-slash', '/a\r\nb', '/../x'],
	'invoke.contentType': ['not a type', 'text/plain\r\nX-Evil: 1'],
	'invoke.binaryPropertyName': ['no-such-field'],
	'invoke.headers.header.name': [
		'Bad Name',
		'Authorization',
		'Host',
		'X-Goog-User-Project',
		'X-HTTP-Method-Override',
		'X-Forwarded-For',
		'Content-Length',
		'Transfer-Encoding',
		'Connection',
		'constructor',
		'__proto__',
	],
	'invoke.headers.header.value': ['a\r\nb', 'check ✓ 🚀'],
	'invoke.options.allowedPathPrefixes': ['v1/chat'],
	'invoke.privateAddress': ['10.128.0.3/v1', 'http://10.128.0.3', 'user@10.128.0.3', 'a b'],
	'invoke.tlsServerName': ['10.128.0.3', 'bad name!'],
	'invoke.options.includeHeaders': ['bad header'],
	'invoke.options.outputBinaryPropertyName': ['bad field', '__proto__'],
	'invoke.options.textField': ['a..b', 'outputs[x]'],
	'manage.version': ['../x'],
	'manage.operationName': ['operations/123', 'projects/p/locations/us-central1/operations/x'],
	'manage.resumeOperationName': BAD_OPERATION,
	'manage.trafficSplit.share.deployedModelId': ['abc', '0'],
	'manage.updateFields.displayName': [LONG_NAME],
	'manage.updateFields.labels.label.key': ['Bad Key'],
	'manage.updateFields.labels.label.value': ['Bad Value!'],
	'manage.updateFields.loggingBigQueryUri': ['gs://bucket/table', 'bq://Bad Project'],
	'manage.updateFields.addVersionAliases': ['Bad Alias', 'default!'],
	'manage.updateFields.removeVersionAliases': ['Bad Alias'],
	'manage.updateFields.autoscalingMetrics.metric.customMetricName': ['not a metric', 'request_count'],
	'manage.updateFields.autoscalingMetrics.metric.subscriptionId': ['1sub'],
	'manage.updateFields.autoscalingMetrics.metric.subscriptionProject': ['Bad_Project'],
	'manage.options.autoscalingMetrics.metric.customMetricName': ['not a metric'],
	'manage.options.autoscalingMetrics.metric.subscriptionId': ['a b'],
	'manage.options.autoscalingMetrics.metric.subscriptionProject': ['Bad_Project'],
	'manage.deploymentResourcePoolId': ['Bad_Pool', '-pool', 'x'.repeat(64)],
	'manage.machineType': ['n1 standard 4'],
	'manage.options.serviceAccount': ['not-an-email'],
	'manage.options.reservationNames': ['my-h100s', '../x', 'projects/p/zones/us-central1-a/reservations/Bad'],
	'manage.options.additionalFields': ['{"dedicatedResources": {"minReplicaCont": 1}}', '[1]', '{"createTime": "2026-01-01T00:00:00Z"}', '{"serviceAccount": 7}'],
};

/** Parameters no value of which is invalid, with the reason. */
const EXEMPT: Record<string, string> = {
	'upload.environmentVariables.variable.value': 'any text is a valid environment variable value',
	'upload.command': 'any text is a valid part of a command',
	'upload.args': 'any text is a valid argument',
	'upload.options.description': 'free text: any description is valid',
	'create.options.description': 'free text: any description is valid',
	'invoke.textBody': 'the body is sent byte for byte, whatever it holds',
	'invoke.prompt': "any text is a valid prompt (a tool's input, shown only in the tool twin: test/nodes/tool.test.ts)",
	'manage.filter': "a Vertex AI list filter, passed on as written: Vertex AI checks its syntax",
	'manage.updateFields.description': 'free text: any description is valid, an empty one clears it',
};

interface Parameter {
	node: NodeKey;
	/** `node.path`, the key of MALFORMED and EXEMPT. */
	key: string;
	path: string;
	property: INodeProperties;
	/** The top-level property, whose displayOptions show it. */
	top: INodeProperties;
	/** For a fixedCollection's field: the collection's path and group. */
	row?: { collection: string; group: INodePropertyCollection; multiple: boolean };
}

function walk(node: NodeKey, properties: INodeProperties[], prefix = '', top?: INodeProperties): Parameter[] {
	const found: Parameter[] = [];
	for (const property of properties) {
		if (property.type === 'notice') continue;
		const path = prefix ? `${prefix}.${property.name}` : property.name;
		const owner = top ?? property;
		if (property.type === 'collection') {
			found.push(...walk(node, property.options as INodeProperties[], path, owner));
		} else if (property.type === 'fixedCollection') {
			for (const group of property.options as INodePropertyCollection[]) {
				for (const value of group.values) {
					const row = { collection: path, group, multiple: property.typeOptions?.multipleValues === true };
					found.push({ node, key: `${node}.${path}.${group.name}.${value.name}`, path: `${path}.${group.name}.${value.name}`, property: value, top: owner, row });
				}
			}
		} else {
			found.push({ node, key: `${node}.${path}`, path, property, top: owner });
		}
	}
	return found;
}

/** The values of other parameters that make this one shown (its own displayOptions, and its top property's). */
function showing(parameter: Parameter, properties: INodeProperties[]): IDataObject {
	const values: IDataObject = {};
	for (const property of new Set([parameter.top, parameter.property])) {
		for (const [name, shownFor] of Object.entries(property.displayOptions?.show ?? {})) values[name] = (shownFor as unknown[])[0] as string;
		for (const [name, hiddenFor] of Object.entries(property.displayOptions?.hide ?? {})) {
			const hidden = hiddenFor as unknown[];
			const other = properties.find((candidate) => candidate.name === name);
			if (other?.type === 'options') {
				values[name] = (other.options as INodePropertyOptions[]).map((option) => option.value).find((value) => !hidden.includes(value)) as string;
			} else if (other?.type === 'boolean') {
				values[name] = !hidden[0];
			} else {
				values[name] = SHOWING_TEXT[name] ?? 'shown';
			}
		}
	}
	return values;
}

function setPath(target: IDataObject, path: string, value: unknown): void {
	const parts = path.split('.');
	let at = target;
	for (const part of parts.slice(0, -1)) {
		at[part] = { ...((at[part] as IDataObject | undefined) ?? {}) };
		at = at[part] as IDataObject;
	}
	at[parts[parts.length - 1]] = value as IDataObject[string];
}

/** The parameters of a case: the node's valid ones, what shows the parameter, and the bad value in its place. */
function parametersWith(parameter: Parameter, properties: INodeProperties[], bad: unknown): INodeParameters {
	// A row field's displayOptions name its siblings in the row (n8n drops a hidden one), the others top-level parameters.
	const shownBy = parameter.row ? { ...parameter, property: parameter.top } : parameter;
	const parameters = structuredClone({ ...BASE[parameter.node], ...showing(shownBy, properties) }) as IDataObject;
	if (parameter.row) {
		const { collection, group, multiple } = parameter.row;
		const defaults = Object.fromEntries(group.values.map((value) => [value.name, value.default]));
		const siblings = showing({ ...parameter, top: parameter.property }, group.values);
		const row = { ...defaults, ...ROW_VALID[`${parameter.node}.${collection}.${group.name}`], ...siblings, [parameter.property.name]: bad };
		setPath(parameters, collection, { [group.name]: multiple ? [row] : row });
	} else {
		setPath(parameters, parameter.path, bad);
	}
	return parameters as INodeParameters;
}

interface BadValue {
	what: string;
	value: unknown;
}

/** The invalid values of a parameter's type. */
function badValues(parameter: Parameter): BadValue[] {
	const { property } = parameter;
	const malformed = (MALFORMED[parameter.key] ?? []).map((value) => ({ what: `malformed ${JSON.stringify(value)}`, value }));
	switch (property.type) {
		case 'number': {
			const { minValue: min, maxValue: max, numberPrecision } = property.typeOptions ?? {};
			const values: BadValue[] = [{ what: 'a non-numeric string from an expression', value: '={{ "x" }}' }];
			if (min !== undefined) values.push({ what: `below its minimum ${min}`, value: min - 1 });
			if (max !== undefined) values.push({ what: `above its maximum ${max}`, value: max + 1 });
			if (numberPrecision === 0) values.push({ what: 'a fraction where a whole number is needed', value: (min ?? 0) + 1.5 });
			return values;
		}
		case 'options':
			return [{ what: 'a value outside its list', value: property.noDataExpression ? 'no-such-choice' : '={{ "no-such-choice" }}' }];
		case 'boolean':
			return [{ what: 'a string', value: '={{ "yes" }}' }];
		case 'json':
			return [{ what: 'text that is not JSON', value: '{"a": [}' }, ...malformed];
		// From expressions: n8n itself refuses a typed value its By ID pattern does not match before the run starts.
		case 'resourceLocator':
			return [
				{ what: 'the hostile id ../x', value: locator('={{ "../x" }}') },
				{ what: 'the hostile id a#b', value: locator('={{ "a#b" }}') },
				{ what: 'a blank id', value: locator('={{ "  " }}') },
			];
		default:
			return [...(property.required ? [{ what: 'blank', value: '  ' }] : []), ...malformed];
	}
}

/** Manage's parameters exist once per operation: the case title says which. */
function where(parameter: Parameter): string {
	const show = parameter.top.displayOptions?.show ?? {};
	const scope = ['resource', 'operation'].filter((name) => show[name]).map((name) => `${name}=${String((show[name] as unknown[])[0])}`);
	return scope.length ? `${parameter.key} [${scope.join(', ')}]` : parameter.key;
}

const parameters = (Object.keys(NODES) as NodeKey[]).flatMap((node) => walk(node, new NODES[node]().description.properties));
const nodeCases = parameters.flatMap((parameter) =>
	EXEMPT[parameter.key] ? [] : badValues(parameter).map((bad) => ({ parameter, bad, title: `${where(parameter)}: ${bad.what}` })),
);
const uncovered = parameters.filter((parameter) => !EXEMPT[parameter.key] && badValues(parameter).length === 0);

// The credential

const credentialProperties = new GoogleVertexAiApi().properties;

/** Bad values of each credential field (a secret pasted into the wrong field among them). */
const CREDENTIAL_BAD: Record<string, Array<BadValue | 'privateKey'>> = {
	authentication: [{ what: 'a value outside its list', value: 'no-such-kind' }],
	serviceAccountJson: [
		{ what: 'blank', value: '  ' },
		{ what: 'not JSON', value: '{bad' },
		{ what: 'a JSON object that is not a service account key', value: '{"type":"external_account"}' },
	],
	clientEmail: [
		{ what: 'blank', value: '  ' },
		{ what: 'not an email', value: 'not-an-email' },
	],
	privateKey: [
		{ what: 'blank', value: '  ' },
		{ what: 'not a PEM key', value: 'not a key' },
	],
	externalAccountJson: [
		{ what: 'blank', value: '  ' },
		{ what: 'not JSON', value: '{bad' },
		{ what: 'not an external account configuration', value: '{"type":"service_account"}' },
	],
	accessToken: [
		{ what: 'blank', value: '  ' },
		{ what: 'two words', value: 'two words' },
	],
	impersonateServiceAccount: [{ what: 'not an email', value: 'not-an-email' }],
	projectId: ['privateKey', { what: 'not a project id', value: 'Bad_Project' }],
	location: [{ what: 'not in the list', value: 'mars-west1' }],
	apiBaseUrl: [
		{ what: 'not a URL', value: 'not a url' },
		{ what: 'not http(s)', value: 'ftp://127.0.0.1/x' },
	],
	tokenUrl: [{ what: 'not a URL', value: 'not a url' }],
	iamCredentialsBaseUrl: [{ what: 'not a URL', value: 'not a url' }],
	privateServiceConnect: [{ what: 'not a boolean', value: 'yes' }],
	privateEndpointCaCertificate: [
		'privateKey',
		{ what: 'not a certificate', value: 'not a certificate' },
		{ what: 'a damaged certificate', value: '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIBADANBgkqhkiG9w0BAQEFAASC\n-----END CERTIFICATE-----' },
	],
};

/** The authentication that shows a credential field. */
function authenticationShowing(property: INodeProperties): string {
	const shown = property.displayOptions?.show?.authentication as string[] | undefined;
	if (shown) return shown[0];
	const hidden = (property.displayOptions?.hide?.authentication as string[] | undefined) ?? [];
	return hidden.includes('serviceAccountJson') ? 'serviceAccountEmailKey' : 'serviceAccountJson';
}

/** The credential's switches a field is shown by (the PSC CA by "Private Service Connect Endpoints"), turned on. */
function switchesShowing(property: INodeProperties): ICredentialDataDecryptedObject {
	const show = property.displayOptions?.show ?? {};
	return Object.fromEntries(Object.entries(show).filter(([, values]) => values?.[0] === true).map(([name]) => [name, true]));
}

const credentialCases = credentialProperties.flatMap((property) =>
	(CREDENTIAL_BAD[property.name] ?? []).map((bad) => ({
		property,
		bad,
		title: `credential ${property.name}: ${bad === 'privateKey' ? 'a pasted private key' : bad.what}`,
	})),
);
const uncoveredCredentialFields = credentialProperties.filter((property) => !CREDENTIAL_BAD[property.name]);

// Running the cases

let env: NodeEnv;
let held = 0;

beforeAll(async () => {
	env = await emulatorWithCredential();
}, 30_000);

afterAll(async () => {
	console.log(
		`parameter suite: ${parameters.length} node parameters and ${credentialProperties.length} credential fields found, ` +
			`${nodeCases.length + credentialCases.length} cases run (${nodeCases.length} node, ${credentialCases.length} credential), ` +
			`${held} held, ${Object.keys(EXEMPT).length} exempt, ${uncovered.length + uncoveredCredentialFields.length} uncovered`,
	);
	await env?.close();
});

function expectNamed(error: { name?: string; message?: string; description?: string | null } | undefined, label: string) {
	expect(error?.name).toBe('NodeOperationError');
	expect(`${error?.message} ${error?.description ?? ''}`).toContain(`"${label}"`);
}

describe('every parameter is covered', () => {
	it('has a bad-value case or an exemption', () => {
		expect(uncovered.map((parameter) => where(parameter))).toEqual([]);
		expect(uncoveredCredentialFields.map((property) => property.name)).toEqual([]);
	});

	it('walks every node the package registers (a node it cannot run is listed with its reason)', () => {
		const registered = (packageJson.n8n.nodes as string[]).map((path) => /([^/]+)\.node\.js$/.exec(path)?.[1]);
		expect([...Object.values(NODES).map((node) => node.name), ...Object.keys(NOT_WALKED)].sort()).toEqual(registered.sort());
	});

	it('has no stale MALFORMED, EXEMPT or ROW_VALID entry', () => {
		const keys = new Set(parameters.map((parameter) => parameter.key));
		expect([...Object.keys(MALFORMED), ...Object.keys(EXEMPT)].filter((key) => !keys.has(key))).toEqual([]);
		const groups = new Set(parameters.filter((p) => p.row).map((p) => `${p.node}.${p.row?.collection}.${p.row?.group.name}`));
		expect(Object.keys(ROW_VALID).filter((key) => !groups.has(key))).toEqual([]);
		expect(Object.keys(CREDENTIAL_BAD).filter((name) => !credentialProperties.some((property) => property.name === name))).toEqual([]);
	});
});

describe('a bad node parameter is refused before any request, naming it', () => {
	it.each(nodeCases.map((testCase) => [testCase.title, testCase] as const))('%s', async (_title, { parameter, bad }) => {
		await resetEmulator(env);
		const properties = new NODES[parameter.node]().description.properties;
		const result = await runNodes(env, {
			nodes: [sourceNode('Start'), { name: 'Node', type: TYPE[parameter.node], parameters: parametersWith(parameter, properties, bad.value) }],
			connections: chain('Start', 'Node'),
		});
		expectNamed(result.error, parameter.property.displayName);
		expectNothingSent(env);
		await expectNoSecrets(env, result);
		held++;
	});
});

describe('a bad credential field is refused before any request, naming it and quoting no secret', () => {
	const key = () => JSON.parse(env.credential.serviceAccountJson as string) as { client_email: string; private_key: string };

	function credentialFor(authentication: string): ICredentialDataDecryptedObject {
		const { location, apiBaseUrl, tokenUrl } = env.credential;
		switch (authentication) {
			case 'serviceAccountEmailKey':
				return { authentication, clientEmail: key().client_email, privateKey: key().private_key, location, apiBaseUrl, tokenUrl };
			case 'externalAccount':
				return {
					authentication,
					externalAccountJson: JSON.stringify({ type: 'external_account', audience: 'x', credential_source: { file: '/nonexistent' } }),
					location,
					apiBaseUrl,
				};
			case 'accessToken':
				return { authentication, accessToken: 'an-access-token', location, apiBaseUrl };
			default:
				return { ...env.credential };
		}
	}

	it.each(credentialCases.map((testCase) => [testCase.title, testCase] as const))('%s', async (_title, { property, bad }) => {
		await resetEmulator(env);
		const value = bad === 'privateKey' ? key().private_key : bad.value;
		const credential: ICredentialDataDecryptedObject = {
			...credentialFor(authenticationShowing(property)),
			...switchesShowing(property),
			[property.name]: value as string,
		};
		const secrets = bad === 'privateKey' ? privateKeyFragments(key().private_key) : [];
		const result = await runNodes(env, {
			nodes: [sourceNode('Start', [{}, {}]), { name: 'Node', type: TYPE.invoke, parameters: BASE.invoke }],
			connections: chain('Start', 'Node'),
			credentials: { googleVertexAiApi: credential },
		});
		expectNamed(result.error, property.displayName);
		const tested = await callCredentialTest(VertexAiInvoke, 'googleVertexAiCredentialTest', credential, { credentialTypes });
		expect(tested.status).toBe('Error');
		expect(tested.message).toContain(`"${property.displayName}"`);
		expectNothingSent(env);
		await expectNoSecrets(env, result, [tested.message], secrets);
		held++;
	});
});

describe('values that are valid are taken as meant', () => {
	const run = async (type: string, parameters: INodeParameters) => {
		return await runNodes(env, { nodes: [sourceNode('Start'), { name: 'Node', type, parameters }], connections: chain('Start', 'Node') });
	};

	it('a number from an expression in a text field is its text: Display Name ={{ 42 }} uploads a model named "42"', async () => {
		await resetEmulator(env);
		const result = await run(TYPE.upload, { ...BASE.upload, displayName: '={{ 42 }}', modelId: '={{ 4242 }}' });
		expect(result.error).toBeUndefined();
		expect(result.lastNodeJson('Node')[0]).toMatchObject({ modelId: '4242', done: true });
		expect((await env.client().getModel('4242')).displayName).toBe('42');
		await expectNoSecrets(env, result);
	});

	it('a numeric string from an expression in a number field is its number, and "true" / "false" are booleans', async () => {
		await resetEmulator(env);
		const result = await run(TYPE.create, {
			displayName: 'numbers',
			endpointId: 'numbers-endpoint',
			inferenceTimeoutSeconds: '={{ "120" }}',
			waitForCompletion: '={{ "true" }}',
		});
		expect(result.error).toBeUndefined();
		const endpoint = await env.client().getEndpoint('numbers-endpoint');
		expect(endpoint.clientConnectionConfig).toEqual({ inferenceTimeout: '120s' });
		await expectNoSecrets(env, result);
	});

	it('a header value in Latin-1 reaches the model server; one beyond it is refused naming the header, not as a network error', async () => {
		const chat = await deployModel(env, { modelId: 'header-model', endpointId: 'header-endpoint' });
		const invoke = (value: string) =>
			run(TYPE.invoke, { endpoint: locator(chat.endpointId), path: '/echo', bodyType: 'none', headers: { header: [{ name: 'X-Note', value }] } });
		const sent = await invoke('café au lait');
		expect(sent.error).toBeUndefined();
		expect((sent.lastNodeJson('Node')[0].body as { headers: Record<string, string> }).headers['x-note']).toBe('café au lait');
		await resetEmulator(env);
		const refused = await invoke('thé ✓');
		expectNamed(refused.error, 'Value');
		expect(refused.error?.message).toContain('X-Note');
		expect(refused.error?.message).toMatch(/Latin-1/);
		expectNothingSent(env);
		await expectNoSecrets(env, refused);
	});

	it('a Resume Operation the core refuses (a project id too short) names "Resume Operation", before any request', async () => {
		await resetEmulator(env);
		const result = await run(TYPE.deploy, { ...BASE.deploy, resumeOperationName: 'projects/p/locations/us-central1/operations/1' });
		expectNamed(result.error, 'Resume Operation');
		expect(result.error?.description).not.toContain('operationName');
		expectNothingSent(env);
		await expectNoSecrets(env, result);
	});
});
