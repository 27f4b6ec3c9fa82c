/**
 * Calls a node's `methods` (listSearch, loadOptions, credentialTest) the way n8n 2.40's server does,
 * with n8n-core's real LoadOptionsContext / CredentialTestContext as `this`.
 */
import './engine-env';
import { CredentialTestContext, LoadOptionsContext } from 'n8n-core';
import {
	UnexpectedError,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type INodeCredentialTestResult,
	type INodeListSearchResult,
	type INodeParameters,
	type INodePropertyOptions,
	type INodeType,
	type IVersionedNodeType,
} from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import {
	TestCredentialsHelper,
	instantiateCredentialTypes,
	type CredentialTypeList,
	type TestCredentials,
} from './credentials';
import { shutdownEngine } from './shutdown';
import { TestNodeTypes, completeNodes, instantiateNodeType, type NodeTypeEntry } from './node-types';

export interface NodeMethodOptions {
	/** The type name the node is registered under (default `test.<description.name>`). */
	typeName?: string;
	typeVersion?: number;
	credentialTypes?: CredentialTypeList;
	/** The parameter path the editor asks for, e.g. `parameters.endpoint` (used by `&` relative lookups). */
	path?: string;
}

export interface ListSearchOptions extends NodeMethodOptions {
	filter?: string;
	paginationToken?: string;
}

/**
 * As n8n's DynamicNodeParametersService: a one-node workflow ("Temp-Node") holding the node's
 * current parameters and credentials, and a LoadOptionsContext over it.
 */
function loadOptionsContext(
	nodeTypeEntry: NodeTypeEntry,
	credentials: TestCredentials,
	parameters: INodeParameters,
	options: NodeMethodOptions,
) {
	const nodeType = instantiateNodeType(nodeTypeEntry);
	const typeName = options.typeName ?? `test.${nodeType.description.name}`;
	const nodeTypes = new TestNodeTypes({ [typeName]: nodeType });
	const [node] = completeNodes(
		[{ name: 'Temp-Node', type: typeName, typeVersion: options.typeVersion, parameters }],
		nodeTypes,
		credentials,
	);
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = createAdditionalData(
		undefined,
		new TestCredentialsHelper(credentials, instantiateCredentialTypes(options.credentialTypes)),
		// The editor sends the node's parameters with their defaults, as the Workflow now holds them.
		{ currentNodeParameters: node.parameters },
	);
	const context = new LoadOptionsContext(workflow, node, additionalData, options.path ?? 'parameters');
	const resolved = nodeTypes.getByNameAndVersion(typeName, node.typeVersion);
	return { context, workflow, methods: resolved.methods };
}

export async function callListSearch(
	nodeType: NodeTypeEntry,
	methodName: string,
	credentials: TestCredentials,
	parameters: INodeParameters = {},
	options: ListSearchOptions = {},
): Promise<INodeListSearchResult> {
	const { context, workflow, methods } = loadOptionsContext(nodeType, credentials, parameters, options);
	const method = methods?.listSearch?.[methodName];
	if (!method) throw new UnexpectedError(`The node has no listSearch method "${methodName}"`);
	try {
		return await workflow.expression.withIsolate(async () => await method.call(context, options.filter, options.paginationToken));
	} finally {
		shutdownEngine();
	}
}

export async function callLoadOptions(
	nodeType: NodeTypeEntry,
	methodName: string,
	credentials: TestCredentials,
	parameters: INodeParameters = {},
	options: NodeMethodOptions = {},
): Promise<INodePropertyOptions[]> {
	const { context, workflow, methods } = loadOptionsContext(nodeType, credentials, parameters, options);
	const method = methods?.loadOptions?.[methodName];
	if (!method) throw new UnexpectedError(`The node has no loadOptions method "${methodName}"`);
	try {
		return await workflow.expression.withIsolate(async () => await method.call(context));
	} finally {
		shutdownEngine();
	}
}

export interface CredentialTestOptions {
	/** The credential type tested; by default the one whose `testedBy` names the method. */
	credentialType?: string;
	credentialTypes?: CredentialTypeList;
}

/**
 * As n8n's CredentialsTester for a node method named by `testedBy`: the credential data gets the
 * credential type's defaults (when its class is given), then the method runs with a
 * CredentialTestContext and receives `{ id, name, type, data }`.
 */
export async function callCredentialTest(
	nodeTypeEntry: NodeTypeEntry,
	methodName: string,
	credentialData: ICredentialDataDecryptedObject,
	options: CredentialTestOptions = {},
): Promise<INodeCredentialTestResult> {
	const nodeType = instantiateNodeType(nodeTypeEntry);
	const method = findCredentialTest(nodeType, methodName);
	const credentialType = options.credentialType ?? testedType(nodeType, methodName);
	const helper = new TestCredentialsHelper(
		{ [credentialType]: credentialData },
		instantiateCredentialTypes(options.credentialTypes),
	);
	const additionalData = createAdditionalData(undefined, helper);
	const data = await helper.getDecrypted(additionalData, { id: 'test-credential', name: 'Test' }, credentialType, 'internal');
	const credential: ICredentialsDecrypted = { id: 'test-credential', name: 'Test credential', type: credentialType, data };
	try {
		return await method.call(new CredentialTestContext(additionalData), credential);
	} finally {
		shutdownEngine();
	}
}

function versionsOf(nodeType: INodeType | IVersionedNodeType): INodeType[] {
	return 'nodeVersions' in nodeType ? Object.values(nodeType.nodeVersions) : [nodeType];
}

function findCredentialTest(nodeType: INodeType | IVersionedNodeType, methodName: string) {
	for (const version of versionsOf(nodeType)) {
		const method = version.methods?.credentialTest?.[methodName];
		if (method) return method;
	}
	throw new UnexpectedError(`The node has no credentialTest method "${methodName}"`);
}

function testedType(nodeType: INodeType | IVersionedNodeType, methodName: string): string {
	for (const version of versionsOf(nodeType)) {
		const declared = version.description.credentials?.find(({ testedBy }) => testedBy === methodName);
		if (declared) return declared.name;
	}
	throw new UnexpectedError(`No credential of the node names "${methodName}" in testedBy: pass credentialType`);
}
