import {
	NodeConnectionTypes,
	jsonParse,
	type IBinaryData,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

/**
 * A manual-trigger stand-in that starts a run with given items, so tests need no n8n-nodes-base.
 * Like n8n's Manual Trigger it is a trigger node: the engine picks it as the start node, and in
 * manual mode it emits through `manualTriggerFunction`. In other modes (webhook, trigger) a trigger
 * node only passes on the data the run was started with, so runWorkflow puts the items there.
 */
export const SOURCE_NODE_TYPE = 'test.source';

export class TestSource implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Source',
		name: 'testSource',
		group: ['trigger'],
		version: 1,
		description: 'Starts a test run with the items given in its parameter.',
		defaults: { name: 'Source' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Items',
				name: 'items',
				type: 'json',
				default: '[{"json":{}}]',
				description: 'The items to emit, as JSON (binary data inline in base64).',
			},
		],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const items = readSourceItems(this.getNodeParameter('items') as string | INodeExecutionData[]);
		// `emit` is swapped in by the engine after trigger() returns, so look it up at call time.
		return { manualTriggerFunction: async () => this.emit([items]) };
	}
}

export function readSourceItems(value: string | INodeExecutionData[]): INodeExecutionData[] {
	return typeof value === 'string' ? jsonParse<INodeExecutionData[]>(value) : value;
}

/** A binary property for a source item: bytes (or a string, taken as UTF-8) and a MIME type. */
export interface TestBinary {
	data: Buffer | string;
	mimeType: string;
	fileName?: string;
}

/**
 * Builds the source node's item list. Binary data is stored inline in base64, which is what
 * n8n-core does itself when no binary data manager is set up (as in these in-process runs).
 */
export function sourceItems(
	jsonItems: IDataObject[],
	binary: Array<Record<string, TestBinary> | undefined> = [],
): INodeExecutionData[] {
	return jsonItems.map((json, index) => {
		const item: INodeExecutionData = { json };
		const properties = binary[index];
		if (properties) {
			item.binary = {};
			for (const [name, { data, mimeType, fileName }] of Object.entries(properties)) {
				const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
				const entry: IBinaryData = {
					data: bytes.toString('base64'),
					mimeType,
					fileSize: `${bytes.length} B`,
					bytes: bytes.length,
				};
				if (fileName) entry.fileName = fileName;
				item.binary[name] = entry;
			}
		}
		return item;
	});
}
