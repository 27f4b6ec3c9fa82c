/**
 * Collects what n8n's logger is asked to log while a test runs (the engine's own records and a node's
 * `this.logger` calls), whatever N8N_LOG_LEVEL lets through to the console, so a test can scan them.
 * The logger still logs as before; captures may overlap (each gets every line logged while it is open).
 */
import './engine-env';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
const sinks = new Set<string[]>();
let installed = false;

function describeEntry(level: string, message: unknown, meta: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return JSON.stringify([level, message, meta], (_key, value: unknown) => {
			if (value instanceof Error) return { name: value.name, message: value.message, description: (value as { description?: unknown }).description };
			if (value && typeof value === 'object') {
				if (seen.has(value)) return '[cycle]';
				seen.add(value);
			}
			return value;
		});
	} catch {
		return `${level} ${String(message)}`;
	}
}

/** Wraps the logger's methods once: n8n's LoggerProxy and `this.logger` both call them on the one instance. */
function install(): void {
	if (installed) return;
	installed = true;
	const logger = Container.get(Logger) as unknown as Record<(typeof LEVELS)[number], (message: unknown, meta?: unknown) => void>;
	for (const level of LEVELS) {
		const original = logger[level].bind(logger);
		logger[level] = (message: unknown, meta?: unknown) => {
			if (sinks.size > 0) {
				const line = describeEntry(level, message, meta);
				for (const sink of sinks) sink.push(line);
			}
			original(message, meta);
		};
	}
}

export interface LogCapture {
	/** One line per log call: `[level, message, meta]` as JSON. */
	readonly lines: string[];
	stop(): void;
}

export function captureLogs(): LogCapture {
	install();
	const lines: string[] = [];
	sinks.add(lines);
	return { lines, stop: () => void sinks.delete(lines) };
}
