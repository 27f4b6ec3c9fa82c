/** The part of node-red-node-test-helper the tests use (the package ships no types). */
declare module 'node-red-node-test-helper' {
	interface TestNode {
		on(event: 'input', listener: (msg: import('../../node-red/src/red').NodeMessage) => void): void;
		receive(msg: import('../../node-red/src/red').NodeMessage): void;
		status(status: unknown): void;
		[property: string]: unknown;
	}
	interface Helper {
		init(runtimePath: string, settings?: Record<string, unknown>): void;
		load(modules: unknown[], flow: Array<Record<string, unknown>>, credentials?: Record<string, Record<string, string>>): Promise<void>;
		unload(): Promise<void>;
		getNode(id: string): TestNode;
		startServer(): Promise<void>;
		stopServer(): Promise<void>;
	}
	const helper: Helper;
	export default helper;
}
