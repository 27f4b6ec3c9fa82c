#!/usr/bin/env node
/**
 * vertex-ai-emulator: prints one JSON line with the connection facts to stdout, logs to stderr,
 * stops every model server it started on SIGINT / SIGTERM.
 */
import { startEmulator, type EmulatorOptions } from './index';

const USAGE = `Usage: vertex-ai-emulator [--port N] [--regional-port N] [--state-dir DIR] [--image URI=COMMAND_OR_URL]... [--token-lifetime SECONDS]
                          [--location LOCATION] [--project-id ID] [--project-number 12DIGITS] [--operation-step-ms MS] [--dns-delay-ms MS]
                          [--psc-port N] [--psc-public-dns] [--scale-to-zero-time-scale F] [--cold-start-ms MS] [--scale-to-zero-requests queue|error]
                          [--log-request-bodies]`;

function parseArgs(argv: string[]): EmulatorOptions {
	const options: EmulatorOptions = { images: {}, operationStepMs: 500 };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i] as string;
		const eq = arg.indexOf('=');
		const flag = arg.startsWith('--') && eq > 0 && !arg.startsWith('--image=') ? arg.slice(0, eq) : arg.startsWith('--image=') ? '--image' : arg;
		const inline = flag !== arg ? arg.slice(flag.length + 1) : undefined;
		const value = (): string => {
			const next = inline ?? argv[++i];
			if (next === undefined) throw new Error(`${flag} needs a value`);
			return next;
		};
		const number = (): number => {
			const parsed = Number(value());
			if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${flag} needs a non-negative number`);
			return parsed;
		};
		switch (flag) {
			case '--port':
				options.port = number();
				break;
			case '--regional-port':
				options.regionalPort = number();
				break;
			case '--state-dir':
				options.stateDir = value();
				break;
			case '--image': {
				const mapping = value();
				const split = mapping.indexOf('=');
				if (split <= 0) throw new Error('--image needs URI=COMMAND or URI=http://127.0.0.1:PORT');
				(options.images as Record<string, string>)[mapping.slice(0, split)] = mapping.slice(split + 1);
				break;
			}
			case '--token-lifetime':
				options.tokenLifetimeSeconds = number();
				break;
			case '--location':
				options.location = value();
				break;
			case '--project-id':
				options.projectId = value();
				break;
			case '--project-number':
				options.projectNumber = value();
				break;
			case '--operation-step-ms':
				options.operationStepMs = number();
				break;
			case '--dns-delay-ms':
				options.dnsDelayMs = number();
				break;
			case '--psc-port':
				options.pscPort = number();
				break;
			case '--log-request-bodies':
				options.logRequestBodies = true;
				break;
			case '--psc-public-dns':
				options.pscPublicDedicatedDns = true;
				break;
			case '--scale-to-zero-time-scale':
				options.scaleToZeroTimeScale = number();
				break;
			case '--cold-start-ms':
				options.coldStartMs = number();
				break;
			case '--scale-to-zero-requests': {
				const mode = value();
				if (mode !== 'queue' && mode !== 'error') throw new Error('--scale-to-zero-requests takes queue or error');
				options.scaleToZeroRequests = mode;
				break;
			}
			case '--help':
			case '-h':
				process.stdout.write(`${USAGE}\n`);
				process.exit(0);
				break;
			default:
				throw new Error(`Unknown argument ${arg}`);
		}
	}
	return options;
}

async function main(): Promise<void> {
	let options: EmulatorOptions;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
		process.exit(2);
	}
	options.log = (line) => process.stderr.write(`${line}\n`);
	const emulator = await startEmulator(options);
	process.stdout.write(
		`${JSON.stringify({
			baseUrl: emulator.baseUrl,
			regionalUrl: emulator.regionalUrl,
			regionalHost: emulator.regionalHost,
			tokenUrl: emulator.tokenUrl,
			serviceAccountKeyFile: emulator.serviceAccountKeyFile,
			projectId: emulator.projectId,
			projectNumber: emulator.projectNumber,
			location: emulator.location,
			clientEmail: emulator.clientEmail,
			metadataHost: emulator.metadataHost,
			iamCredentialsBaseUrl: emulator.iamCredentialsBaseUrl,
			builtInImage: emulator.builtInImage,
			stateDir: emulator.stateDir,
			pscUrl: emulator.pscUrl,
			pscCaFile: emulator.pscCaFile,
			pscCaCertificate: emulator.pscCaCertificate,
		})}\n`,
	);
	let stopping = false;
	const stop = (signal: string): void => {
		if (stopping) return;
		stopping = true;
		process.stderr.write(`${signal}: stopping the emulator and its model servers\n`);
		emulator.close().then(
			() => process.exit(0),
			(error: unknown) => {
				process.stderr.write(`close failed: ${error instanceof Error ? error.message : String(error)}\n`);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
	process.stderr.write(`vertex-ai-emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
