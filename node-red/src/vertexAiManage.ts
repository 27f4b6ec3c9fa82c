/**
 * The "vertex-ai-manage" node: endpoints, deployed models, models and their versions, deployment resource pools
 * and long-running operations, as n8n's Manage node offers them (see manage.ts and manageOperations.ts).
 */
import { manageHandler } from './manage';
import type { NodeAPI, NodeDefinition, RuntimeNode } from './red';
import { handleMessages } from './runtime';

export = function register(RED: NodeAPI): void {
	function VertexAiManageNode(this: RuntimeNode, definition: NodeDefinition): void {
		RED.nodes.createNode(this, definition);
		handleMessages(this, manageHandler(RED, this, definition));
	}
	RED.nodes.registerType('vertex-ai-manage', VertexAiManageNode);
};
