import './engine-env';
import { Credentials } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialsExpressionResolveValues,
	type ICredentialType,
	type IExecuteData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

/**
 * Decrypted credential data for a test, keyed by credential type name (what a node asks for with
 * `this.getCredentials(type)`) or by credential id (to give two nodes of one type different data).
 */
export type TestCredentials = Record<string, ICredentialDataDecryptedObject>;

/** The credential type classes known to a run: given, they make the data pass through n8n's own post-processing. */
export type CredentialTypeList = Array<ICredentialType | (new () => ICredentialType)>;

export function instantiateCredentialTypes(types: CredentialTypeList = []): Map<string, ICredentialType> {
	const byName = new Map<string, ICredentialType>();
	for (const entry of types) {
		const credentialType = typeof entry === 'function' ? new entry() : entry;
		byName.set(credentialType.name, credentialType);
	}
	return byName;
}

/**
 * Hands test data to the engine where n8n's CredentialsHelper would decrypt it from the database.
 * When the credential type is known, the data is shaped as n8n 2.40 shapes it before a node sees
 * it: defaults filled in, fields hidden by displayOptions dropped, and `={{ }}` expressions
 * resolved against the current item.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly store: TestCredentials,
		private readonly credentialTypes: Map<string, ICredentialType> = new Map(),
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		const parents = this.credentialTypes.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.credentialTypes.get(typeName)?.authenticate;
		// Generic (declarative) authentication is not needed by this package's nodes; functions are.
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const credentials = new Credentials(nodeCredentials, type);
		await credentials.setData(this.lookUp(nodeCredentials, type));
		return credentials;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		_raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = structuredClone(this.lookUp(nodeCredentials, type));
		if (!this.credentialTypes.has(type)) return stored;
		const shaped =
			NodeHelpers.getNodeParameters(this.getCredentialsProperties(type), stored as INodeParameters, true, false, null, null) ??
			{};
		if (!expressionResolveValues) return shaped as ICredentialDataDecryptedObject;
		const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } = expressionResolveValues;
		const data = workflow.expression.getParameterValue(
			shaped,
			runExecutionData,
			runIndex,
			itemIndex,
			node.name,
			connectionInputData,
			mode,
			{},
			executeData,
			false,
			shaped,
		);
		return data as ICredentialDataDecryptedObject;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store[nodeCredentials.id ?? type] = data;
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.credentialTypes.get(type);
		if (!credentialType) return [];
		const merged: INodeProperties[] = [];
		for (const parent of credentialType.extends ?? []) {
			NodeHelpers.mergeNodeProperties(merged, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(merged, credentialType.properties);
		return merged;
	}

	private lookUp(nodeCredentials: INodeCredentialsDetails, type: string): ICredentialDataDecryptedObject {
		const data = (nodeCredentials.id ? this.store[nodeCredentials.id] : undefined) ?? this.store[type];
		if (data === undefined) {
			// Name only the type and id: the data of other credentials may hold secrets.
			throw new UnexpectedError(`The test gave no credential data for type "${type}" (id "${nodeCredentials.id}")`);
		}
		return data;
	}
}
