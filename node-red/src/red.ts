/**
 * The part of Node-RED's runtime API these nodes use, typed here so that the package needs no type package of
 * Node-RED's (the runtime hands `RED` to each node module; nothing here imports node-red).
 */

/** A message as Node-RED passes it between nodes. */
export interface NodeMessage {
	_msgid?: string;
	payload?: unknown;
	[property: string]: unknown;
}

export interface NodeStatus {
	fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
	shape?: 'ring' | 'dot';
	text?: string;
}

/** What a node's configuration holds as the editor saved it (never its credentials). */
export interface NodeDefinition {
	id: string;
	type: string;
	name?: string;
	[property: string]: unknown;
}

export type SendFunction = (messages: NodeMessage | Array<NodeMessage | null>) => void;
export type DoneFunction = (error?: Error) => void;

export interface RuntimeNode {
	readonly id: string;
	name?: string;
	/** The credentials the editor stored apart from the flow (config nodes that declare them). */
	credentials?: Record<string, string | undefined>;
	on(event: 'input', listener: (msg: NodeMessage, send: SendFunction, done: DoneFunction) => void | Promise<void>): void;
	on(event: 'close', listener: (removed: boolean, done: () => void) => void): void;
	status(status: NodeStatus | Record<string, never>): void;
	warn(message: string): void;
	error(error: string | Error, msg?: NodeMessage): void;
}

export interface CredentialDefinition {
	type: 'text' | 'password';
}

export interface NodeAPI {
	nodes: {
		createNode(node: RuntimeNode, definition: NodeDefinition): void;
		registerType<Node extends RuntimeNode>(
			type: string,
			constructor: (this: Node, definition: NodeDefinition) => void,
			 options?: { credentials?: Record<string, CredentialDefinition> }): void;
		getNode(id: string): RuntimeNode | null;
	};
	util: {
		evaluateNodeProperty(
			value: unknown,
			type: string,
			node: RuntimeNode,
			msg: NodeMessage,
			callback: (error: Error | null | undefined, result: unknown) => void,
		): void;
	};
}
