/**
 * What every node of this package does with a message: work on it with an abort signal, show progress in the
 * node's status, hand failures to done() (so Catch nodes see them) in the node's words, and on close (redeploy,
 * stop) abort what is in flight and wait for it, within Node-RED's close timeout.
 */
import { nodeFailure } from './fields';
import type { NodeAPI, NodeDefinition, NodeMessage, NodeStatus, RuntimeNode, SendFunction } from './red';

/** How long close waits for aborted work to settle; Node-RED gives a node 15 s before it logs a timeout. */
const CLOSE_GRACE_MS = 5_000;

/** Status texts are short: Node-RED shows them under the node. */
const STATUS_MAX = 60;

export function showStatus(node: RuntimeNode, fill: NonNullable<NodeStatus['fill']>, text: string, shape: NodeStatus['shape'] = 'dot'): void {
	node.status({ fill, shape, text: text.length > STATUS_MAX ? `${text.slice(0, STATUS_MAX - 3)}...` : text });
}

export type MessageHandler = (msg: NodeMessage, send: SendFunction, signal: AbortSignal) => Promise<void>;

/**
 * Registers `handle` for the node's messages and the close handler. Messages run concurrently; each has its own
 * abort signal, aborted on close. A failure sets a red status with its message and goes to done(error).
 */
export function handleMessages(node: RuntimeNode, handle: MessageHandler): void {
	const inFlight = new Map<AbortController, Promise<void>>();
	let closing = false;
	node.on('input', (msg, send, done) => {
		const controller = new AbortController();
		const work = handle(msg, send, controller.signal).then(
			() => done(),
			(error: unknown) => {
				// Stopped by close: the flow is going away, nothing is left to report to.
				if (closing && controller.signal.aborted) return done();
				const failure = nodeFailure(error);
				showStatus(node, 'red', failure.message, 'ring');
				done(failure);
			},
		);
		const settled = work.finally(() => inFlight.delete(controller));
		inFlight.set(controller, settled);
	});
	node.on('close', (_removed, done) => {
		closing = true;
		const running = [...inFlight];
		for (const [controller] of running) controller.abort(new Error('The flow was stopped or redeployed.'));
		let timer: NodeJS.Timeout | undefined;
		const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
		void Promise.race([Promise.allSettled(running.map(([, settled]) => settled)), grace]).then(() => {
			clearTimeout(timer);
			node.status({});
			done();
		});
	});
}

/** Registers a node type whose every message is worked on by the handler `handlerOf` makes for each node (see handleMessages). */
export function registerMessageNode(
	RED: NodeAPI,
	type: string,
	handlerOf: (RED: NodeAPI, node: RuntimeNode, definition: NodeDefinition) => MessageHandler,
): void {
	RED.nodes.registerType(type, function (this: RuntimeNode, definition: NodeDefinition): void {
		RED.nodes.createNode(this, definition);
		handleMessages(this, handlerOf(RED, this, definition));
	});
}
