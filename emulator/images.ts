/**
 * Image URIs -> what to run locally. An image is either a local command (its ENTRYPOINT, optional
 * default args = CMD, extra env) or the URL of a server that is already running.
 *
 * Docker/Kubernetes rules, as Vertex applies them: `containerSpec.command` replaces the image's
 * entrypoint (and drops its default args), `containerSpec.args` replaces the default args.
 * A mapping given as one string is split shell-like and taken as the entrypoint, with no default args.
 */
import * as path from 'node:path';

export interface ImageSpec {
	/** The image's ENTRYPOINT as an argv. */
	command?: string[];
	/** The image's default CMD, appended unless the container spec gives `args`. */
	args?: string[];
	env?: Record<string, string>;
	cwd?: string;
	/** An already-running server (http://127.0.0.1:PORT): nothing is started. */
	url?: string;
}

export const BUILT_IN_IMAGE = 'emulator/sample-model-server';
/** A mapping under this key serves every image URI that has no mapping of its own. */
export const FALLBACK_IMAGE_KEY = '*';

type LaunchPlan = { kind: 'process'; argv: string[]; env: Record<string, string>; cwd?: string } | { kind: 'url'; url: string };

function builtInImage(): ImageSpec {
	const file = path.join(__dirname, 'sampleModelServer' + path.extname(__filename));
	// From source (.ts) Node parses the file as an ES module; say so up front instead of a warning per start.
	const flags = file.endsWith('.ts') ? ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'] : [];
	return { command: [process.execPath, ...flags, file] };
}

/** Splits a command line as a POSIX shell would for words: quotes and backslashes, no expansion. */
function splitCommandLine(line: string): string[] {
	const words: string[] = [];
	let current = '';
	let inWord = false;
	let quote: '"' | "'" | undefined;
	for (let i = 0; i < line.length; i++) {
		const ch = line[i] as string;
		if (quote === "'") {
			if (ch === "'") quote = undefined;
			else current += ch;
		} else if (quote === '"') {
			if (ch === '"') quote = undefined;
			else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) current += line[++i];
			else current += ch;
		} else if (ch === "'" || ch === '"') {
			quote = ch;
			inWord = true;
		} else if (ch === '\\' && i + 1 < line.length) {
			current += line[++i];
			inWord = true;
		} else if (/\s/.test(ch)) {
			if (inWord) words.push(current);
			current = '';
			inWord = false;
		} else {
			current += ch;
			inWord = true;
		}
	}
	if (quote) throw new Error(`Unclosed ${quote} in command line`);
	if (inWord) words.push(current);
	return words;
}

/** `--image uri=<command or url>` and the `images` option's string values. */
function imageSpecFromString(value: string): ImageSpec {
	const trimmed = value.trim();
	if (/^https?:\/\//i.test(trimmed)) return { url: trimmed.replace(/\/+$/, '') };
	const command = splitCommandLine(trimmed);
	if (command.length === 0) throw new Error('An image mapping needs a command or a URL');
	return { command };
}

export class ImageRegistry {
	private readonly images = new Map<string, ImageSpec>();

	constructor(mappings: Record<string, string | ImageSpec> = {}) {
		this.images.set(BUILT_IN_IMAGE, builtInImage());
		for (const [uri, mapping] of Object.entries(mappings)) {
			this.images.set(uri, typeof mapping === 'string' ? imageSpecFromString(mapping) : mapping);
		}
	}

	resolve(imageUri: string): ImageSpec | undefined {
		return this.images.get(imageUri) ?? this.images.get(imageUri.replace(/:[^/:@]+$/, '')) ?? this.images.get(FALLBACK_IMAGE_KEY);
	}

	known(): string[] {
		return [...this.images.keys()];
	}
}

/** Kubernetes-style `$(VAR)` references to the container's env; `$$(VAR)` stays literal. */
function expandReferences(text: string, env: Record<string, string>): string {
	return text.replace(/\$(\$?)\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, escaped: string, name: string) => {
		if (escaped) return `$(${name})`;
		return env[name] ?? whole;
	});
}

interface ContainerOverrides {
	command?: string[];
	args?: string[];
	/** The container's env in order (later entries may reference earlier ones and the AIP_* variables). */
	env: Array<{ name: string; value: string }>;
	aipEnv: Record<string, string>;
}

export function launchPlan(image: ImageSpec, overrides: ContainerOverrides): LaunchPlan {
	if (image.url) return { kind: 'url', url: image.url };
	const env: Record<string, string> = { ...(image.env ?? {}), ...overrides.aipEnv };
	for (const variable of overrides.env) env[variable.name] = expandReferences(variable.value, env);
	const hasCommand = overrides.command !== undefined && overrides.command.length > 0;
	const entrypoint = hasCommand ? (overrides.command as string[]) : (image.command ?? []);
	const args = overrides.args !== undefined && overrides.args.length > 0 ? overrides.args : hasCommand ? [] : (image.args ?? []);
	const argv = [...entrypoint, ...args].map((word) => expandReferences(word, env));
	if (argv.length === 0) throw new Error('The image has no entrypoint and the container spec gives no command');
	return { kind: 'process', argv, env, cwd: image.cwd };
}
