/** The "vertex-ai-invoke" node: calls any route of a model server through Vertex AI's invoke API (see invoke.ts). */
import { invokeHandler } from './invoke';
import type { NodeAPI } from './red';
import { registerMessageNode } from './runtime';

export = (RED: NodeAPI): void => registerMessageNode(RED, 'vertex-ai-invoke', invokeHandler);
