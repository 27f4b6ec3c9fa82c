/**
 * The "vertex-ai-config" config node: the Google credential (every kind the n8n credential offers), project,
 * location and custom endpoints. Secrets are Node-RED credentials (stored encrypted apart from the flow file);
 * everything else is a plain property. The client is made on a message's first use, so a credential problem
 * fails that message (a Catch node sees it) with the field named.
 */
import { CONFIG_TYPE, configClient, SECRET_FIELDS, type VertexConfigNode } from './config';
import type { NodeAPI, NodeDefinition } from './red';

export = function register(RED: NodeAPI): void {
	function VertexAiConfigNode(this: VertexConfigNode, definition: NodeDefinition): void {
		RED.nodes.createNode(this, definition);
		this.client = () => configClient(definition, this.credentials);
	}
	RED.nodes.registerType(CONFIG_TYPE, VertexAiConfigNode, { credentials: SECRET_FIELDS });
};
