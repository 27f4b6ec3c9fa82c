'use strict';
/**
 * The emulator in a process of its own, so the benchmark process measures only the client's CPU and memory.
 * Started with fork(): sends its start facts over IPC, closes (stopping its model servers) on a 'close' message,
 * on SIGTERM/SIGINT, or when the parent goes away.
 */
const { startEmulator } = require('vertex-ai-emulator');

async function main() {
	const emulator = await startEmulator({ operationStepMs: 20, stopGraceMs: 2000 });
	let closing;
	const close = () => {
		closing ??= emulator.close().finally(() => process.exit(0));
		return closing;
	};
	process.on('message', (message) => {
		if (message && message.type === 'close') void close();
	});
	process.on('disconnect', () => void close());
	process.on('SIGTERM', () => void close());
	process.on('SIGINT', () => void close());
	// Only the plain facts cross IPC; the functions stay here.
	const facts = Object.fromEntries(Object.entries(emulator).filter(([, value]) => typeof value !== 'function'));
	process.send({ type: 'ready', facts });
}

main().catch((error) => {
	process.stderr.write(`bench emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
