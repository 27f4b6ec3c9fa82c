import { NodeHelpers, type INode, type INodeProperties, type INodePropertyCollection, type INodeTypeDescription } from 'n8n-workflow';

/** Finding a parameter's property in a node's description by its `getNodeParameter` path. */

export interface FoundProperty {
	property: INodeProperties;
	/** Labels of the collections the property sits in, outermost first. */
	within: string[];
}

/**
 * The property at `path` (`displayName`, `options.timeoutSeconds`, `headers.header.name`): of several properties that
 * share a name, the one the editor shows for the node's settings.
 */
export function propertyAt(properties: INodeProperties[], node: INode, path: string): FoundProperty | undefined {
	const [first, ...rest] = path.split('.');
	const candidates = properties.filter((property) => property.name === first);
	// `@tool` in displayOptions asks whether the node runs as its tool twin (type name ending in "Tool").
	const description = { name: node.type } as INodeTypeDescription;
	const shownOne = candidates.find((property) => NodeHelpers.displayParameter(node.parameters, property, node, description));
	let property: INodeProperties | undefined = shownOne ?? candidates[0];
	const within: string[] = [];
	for (let index = 0; property && index < rest.length; index++) {
		within.push(property.displayName);
		if (property.type === 'collection') {
			property = (property.options as INodeProperties[] | undefined)?.find((option) => option.name === rest[index]);
		} else if (property.type === 'fixedCollection') {
			const group = (property.options as INodePropertyCollection[] | undefined)?.find((option) => option.name === rest[index]);
			index++;
			property = group?.values.find((value) => value.name === rest[index]);
		} else {
			property = undefined;
		}
	}
	return property ? { property, within } : undefined;
}
