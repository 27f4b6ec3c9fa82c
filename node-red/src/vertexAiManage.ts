/**
 * The "vertex-ai-manage" node: endpoints, deployed models, models and their versions, deployment resource pools
 * and long-running operations, as n8n's Manage node offers them (see manage.ts and manageOperations.ts).
 */
import { manageHandler } from './manage';
import type { NodeAPI } from './red';
import { registerMessageNode } from './runtime';

export = (RED: NodeAPI): void => registerMessageNode(RED, 'vertex-ai-manage', manageHandler);
