import { randomUUID } from 'node:crypto';
import {
	NodeHelpers,
	UnexpectedError,
	type IDataObject,
	type INode,
	type INodeCredentials,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

import type { TestCredentials } from './credentials';
import { SOURCE_NODE_TYPE, TestSource } from './source-node';

/** A node type as a test supplies it: the class (instantiated here) or an instance. */
export type NodeTypeEntry = INodeType | IVersionedNodeType | (new () => INodeType | IVersionedNodeType);
export type NodeTypeMap = Record<string, NodeTypeEntry>;

/** A workflow node with the fields n8n would fill in made optional. */
export type TestNode = Omit<INode, 'id' | 'position' | 'typeVersion' | 'parameters'> &
	Partial<Pick<INode, 'id' | 'position' | 'typeVersion' | 'parameters'>>;

export function instantiateNodeType(entry: NodeTypeEntry): INodeType | IVersionedNodeType {
	return typeof entry === 'function' ? new entry() : entry;
}

/** The engine's view of the node types of a run: the test's, plus the harness's `test.source`. */
export class TestNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	constructor(entries: NodeTypeMap) {
		for (const [name, entry] of Object.entries({ [SOURCE_NODE_TYPE]: TestSource, ...entries })) {
			this.types.set(name, instantiateNodeType(entry));
		}
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.require(nodeType);
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.require(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries([...this.types.keys()].map((name) => [name, { className: name, sourcePath: '' }]));
	}

	private require(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new UnexpectedError(`Unknown node type "${nodeType}": pass it in nodeTypes`);
		return type;
	}
}

export function completeNodes(nodes: TestNode[], nodeTypes: INodeTypes, credentials: TestCredentials): INode[] {
	return nodes.map((given, index) => {
		// The Workflow constructor writes defaults into parameters: work on a copy of the test's node.
		const node: INode = {
			id: given.id ?? randomUUID(),
			position: given.position ?? [index * 220, 0],
			typeVersion: given.typeVersion ?? defaultVersion(nodeTypes.getByName(given.type)),
			...structuredClone(given),
			parameters: structuredClone(given.parameters ?? {}),
		} as INode;
		node.credentials ??= credentialsFor(node, nodeTypes, credentials);
		return node;
	});
}

function defaultVersion(type: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in type) return type.currentVersion;
	const { version } = type.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/**
 * n8n only hands a node credentials that are set on it; give each node a reference to every
 * credential type it declares and the test supplies, as if the user had picked them in the editor.
 */
function credentialsFor(node: INode, nodeTypes: INodeTypes, credentials: TestCredentials): INodeCredentials | undefined {
	const declared = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.credentials ?? [];
	const references: INodeCredentials = {};
	for (const { name } of declared) {
		if (credentials[name] !== undefined) references[name] = { id: name, name: `Test ${name}` };
	}
	return Object.keys(references).length > 0 ? references : undefined;
}

