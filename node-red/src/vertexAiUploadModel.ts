/**
 * The "vertex-ai-upload-model" node: registers a model-server container in the Model Registry (every route
 * callable through invoke by default), waits for the upload, and sets `msg.modelId` for the nodes after it.
 */
import { DEFAULT_CONTAINER_PORT, INVOKE_ROUTE_PREFIX, resourceId, UPLOAD_MODEL, type UploadModelInput } from '../../lib';

import { clientOf } from './config';
import { readFields, type FieldSpec } from './fields';
import { checkedCall, choiceOf, IF_EXISTS, waitOptions, WAIT_MINUTES } from './operation';
import type { NodeAPI, NodeDefinition, NodeMessage, RuntimeNode, SendFunction } from './red';
import { registerMessageNode, showStatus } from './runtime';

const FIELDS: readonly FieldSpec[] = [
	{ name: 'modelId', label: 'Model ID', kind: 'text' },
	{ name: 'displayName', label: 'Display Name', kind: 'text', required: true, core: 'model.displayName' },
	{ name: 'imageUri', label: 'Image URI', kind: 'text', required: true, core: 'model.containerSpec.imageUri' },
	{ name: 'port', label: 'Port', kind: 'number', core: 'model.containerSpec.ports' },
	{ name: 'predictRoute', label: 'Predict Route', kind: 'text', core: 'model.containerSpec.predictRoute' },
	{ name: 'healthRoute', label: 'Health Route', kind: 'text', core: 'model.containerSpec.healthRoute' },
	{ name: 'env', label: 'Environment', kind: 'object', core: 'model.containerSpec.env' },
	{ name: 'additionalFields', label: 'Additional Fields', kind: 'object' },
	WAIT_MINUTES,
];

const ROUTE_MODES = ['invoke', 'predict'] as const;

function uploadHandler(RED: NodeAPI, node: RuntimeNode, definition: NodeDefinition) {
	return async (msg: NodeMessage, send: SendFunction, signal: AbortSignal): Promise<void> => {
		const read = await readFields(RED, node, definition, msg, FIELDS);
		const value = read.values;
		const env = Object.entries((value.env as Record<string, unknown> | undefined) ?? {}).map(([name, setting]) => {
			if (typeof setting !== 'string' && typeof setting !== 'number') throw read.refuse('env', `value of ${JSON.stringify(name)} must be text`);
			return { name, value: String(setting) };
		});
		const invoke = choiceOf(definition.routeMode, ROUTE_MODES) === 'invoke';
		const modelId = value.modelId as string | undefined;
		const input: UploadModelInput = {
			modelId,
			// The core applies it only to an id that is taken: without an id it changes nothing.
			ifExists: choiceOf(definition.ifExists, IF_EXISTS),
			model: {
				displayName: value.displayName as string,
				containerSpec: {
					imageUri: value.imageUri as string,
					ports: [{ containerPort: (value.port as number | undefined) ?? DEFAULT_CONTAINER_PORT }],
					healthRoute: value.healthRoute as string | undefined,
					env: env.length > 0 ? env : undefined,
					...(invoke ? { invokeRoutePrefix: INVOKE_ROUTE_PREFIX } : { predictRoute: value.predictRoute as string | undefined }),
				},
			},
			additionalFields: value.additionalFields as Record<string, unknown> | undefined,
		};
		const wait = waitOptions(node, read, signal);
		const client = clientOf(RED, definition.vertex);
		showStatus(node, 'blue', 'uploading');
		const { operation, existing } = await checkedCall(read, () => client.uploadModel(input, { signal }));
		const result = operation ? (await client.waitForResult(UPLOAD_MODEL, operation, wait)).result : undefined;
		const model = (existing?.name ?? result?.model) as string;
		const payload = {
			modelId: resourceId(model),
			modelVersionId: existing?.versionId ?? result?.modelVersionId ?? null,
			model,
			existed: existing !== undefined,
			operationName: operation?.name ?? null,
		};
		send({ ...msg, modelId: payload.modelId, payload });
		showStatus(node, 'green', `${existing ? 'using' : 'uploaded'} ${payload.modelId}`);
	};
}

export = (RED: NodeAPI): void => registerMessageNode(RED, 'vertex-ai-upload-model', uploadHandler);
