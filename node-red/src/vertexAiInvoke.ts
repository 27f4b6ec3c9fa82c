/** The "vertex-ai-invoke" node: calls any route of a model server through Vertex AI's invoke API (see invoke.ts). */
import { invokeHandler } from './invoke';
import type { NodeAPI, NodeDefinition, RuntimeNode } from './red';
import { handleMessages } from './runtime';

export = function register(RED: NodeAPI): void {
	function VertexAiInvokeNode(this: RuntimeNode, definition: NodeDefinition): void {
		RED.nodes.createNode(this, definition);
		handleMessages(this, invokeHandler(RED, this, definition));
	}
	RED.nodes.registerType('vertex-ai-invoke', VertexAiInvokeNode);
};
