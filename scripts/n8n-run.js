/*
 * Drives a real n8n (installed by scripts/n8n-install.js) for end-to-end runs and the demo: a fresh
 * user folder, a packed package installed as a community package, imports, `n8n execute`, and
 * `n8n start` on 127.0.0.1. Plain Node, usable from scripts and (through require) from jest.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');

const { ensureN8n, installDir, isInstalled, n8nBin, nodeEnv } = require('./n8n-install');

const PROJECT_ROOT = path.resolve(__dirname, '..');
/** The emulator is a package of its own (a workspace of this repository); its bin is its built CLI. */
const EMULATOR_CLI = path.join(path.dirname(require.resolve('vertex-ai-emulator/package.json', { paths: [PROJECT_ROOT] })), 'dist', 'cli.js');

/**
 * Every child process this module started and that is still running, so a caller interrupted by
 * Ctrl-C (the demo) can end them all: `stopChildren()`.
 */
const liveChildren = new Set();

function track(child) {
	liveChildren.add(child);
	child.on('exit', () => liveChildren.delete(child));
	return child;
}

/** SIGTERM, then SIGKILL if the child is still running after graceMs; resolves once it has exited. */
function stopChild(child, graceMs) {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		child.kill('SIGTERM');
	});
}

/** Stops every child still running (n8n runs, n8n servers, emulators) and waits for them to exit. */
async function stopChildren({ graceMs = 10_000 } = {}) {
	await Promise.all([...liveChildren].map((child) => stopChild(child, graceMs)));
}
const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Selftest-Passw0rd' };

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released for n8n to take). */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * A fresh N8N_USER_FOLDER (n8n keeps its database, settings and community packages under its
 * `.n8n`) and the encryption key credentials are stored with. `remove()` deletes it.
 */
function createUserFolder({ parent = os.tmpdir(), encryptionKey = crypto.randomBytes(24).toString('base64') } = {}) {
	const userFolder = fs.mkdtempSync(path.join(parent, 'n8n-user-'));
	fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
	return {
		userFolder,
		encryptionKey,
		remove: () => fs.rmSync(userFolder, { recursive: true, force: true }),
	};
}

/**
 * The environment of every n8n process: its user folder and key, JSON logs (so results can be
 * picked out), its own task-broker port (two n8n processes on one port fail), and nothing that
 * calls out to the internet.
 */
async function n8nEnv(instance, extra = {}) {
	// jest sets NODE_ENV=test, which makes n8n refuse to load nodes ("Not available in tests").
	const { NODE_ENV, ...inherited } = process.env;
	return nodeEnv({
		...inherited,
		N8N_USER_FOLDER: instance.userFolder,
		N8N_ENCRYPTION_KEY: instance.encryptionKey,
		N8N_LOG_FORMAT: 'json',
		N8N_LOG_LEVEL: 'info',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// What every process of this instance shares (e.g. its database: DB_TYPE, DB_POSTGRESDB_*).
		...(instance.env || {}),
		...extra,
	});
}

function requireInstalledN8n() {
	if (!isInstalled()) {
		throw new Error(`n8n is not installed in ${installDir()}: run node scripts/n8n-install.js first`);
	}
	return n8nBin();
}

/** Runs `n8n <args>` to completion; resolves to { code, stdout, stderr } (never rejects on a non-zero exit). */
async function runN8n(instance, args, { env = {}, timeoutMs = 180_000 } = {}) {
	const bin = requireInstalledN8n();
	const childEnv = await n8nEnv(instance, env);
	return await new Promise((resolve, reject) => {
		const child = track(spawn(process.execPath, [bin, ...args], { cwd: instance.userFolder, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (data) => (stdout += data));
		child.stderr.on('data', (data) => (stderr += data));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr });
		});
	});
}

async function runN8nOrThrow(instance, args, options) {
	const result = await runN8n(instance, args, options);
	if (result.code !== 0) {
		throw new Error(`n8n ${args.join(' ')} exited with ${result.code}:\n${lastLines(result.stdout + result.stderr, 20)}`);
	}
	return result;
}

function lastLines(text, count) {
	return text.trimEnd().split('\n').slice(-count).join('\n');
}

function writeJsonFile(instance, name, value) {
	const file = path.join(instance.userFolder, name);
	fs.writeFileSync(file, JSON.stringify(value, null, '\t'));
	return file;
}

/**
 * Imports credentials given as plain data ([{ id, name, type, data }]); n8n encrypts `data` with
 * the instance's key on import.
 */
async function importCredentials(instance, credentials) {
	const file = writeJsonFile(instance, `credentials-${crypto.randomUUID()}.json`, credentials);
	try {
		await runN8nOrThrow(instance, ['import:credentials', `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** Imports one workflow (it must carry its `id`, which `execute --id` and `publish:workflow` use). */
async function importWorkflow(instance, workflow) {
	if (!workflow.id) throw new Error('importWorkflow: the workflow needs an id');
	const file = writeJsonFile(instance, `workflow-${workflow.id}.json`, [{ active: false, settings: {}, ...workflow }]);
	try {
		await runN8nOrThrow(instance, ['import:workflow', `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
	return workflow.id;
}

/** Imports leave workflows inactive; webhook workflows must be published before `n8n start`. */
async function publishWorkflow(instance, workflowId) {
	await runN8nOrThrow(instance, ['publish:workflow', `--id=${workflowId}`]);
}

/** Picks the run result out of `execute --rawOutput` JSON logs: the record whose message is {data: {resultData}}. */
function parseExecuteOutput(stdout) {
	for (const line of stdout.split('\n').reverse()) {
		if (!line.startsWith('{')) continue;
		let record;
		try {
			record = JSON.parse(line);
		} catch {
			continue;
		}
		if (typeof record.message !== 'string' || !record.message.startsWith('{')) continue;
		try {
			const run = JSON.parse(record.message);
			if (run && run.data && run.data.resultData) return run;
		} catch {
			// another JSON-looking log message
		}
	}
	return undefined;
}

/**
 * `n8n execute --id=<id> --rawOutput` (mode `cli`: no streaming). Resolves to the exit code, the
 * parsed run (IRun: status, data.resultData.runData / error) and helpers over it.
 */
async function executeWorkflow(instance, workflowId, options) {
	const result = await runN8n(instance, ['execute', `--id=${workflowId}`, '--rawOutput'], options);
	const run = parseExecuteOutput(result.stdout);
	const runData = (run && run.data.resultData.runData) || {};
	const lastRun = (nodeName) => (runData[nodeName] || []).at(-1);
	return {
		...result,
		run,
		status: run ? run.status : undefined,
		error: run ? run.data.resultData.error : undefined,
		/** Items on one output of a node's last run ([] if it did not run). */
		nodeOutput: (nodeName, outputIndex = 0) => {
			const task = lastRun(nodeName);
			return (task && task.data && task.data.main && task.data.main[outputIndex]) || [];
		},
		nodeError: (nodeName) => (lastRun(nodeName) || {}).error,
	};
}

/**
 * Installs a packed package (an `npm pack` tarball) as n8n 2.40 installs a community package:
 * unpack into `.n8n/nodes/node_modules/<name>`, drop dev/peer/optional dependencies from its
 * package.json, `npm install` its runtime dependencies inside that folder (scripts off, no
 * lockfile), and record it in `.n8n/nodes/package.json`. n8n-workflow is not installed there: n8n
 * puts its own node_modules on NODE_PATH for community packages. `extraNpmArgs` are added to that
 * `npm install` (e.g. `--offline` to install from the npm cache alone).
 */
async function installCommunityPackage(instance, tarballPath, { extraNpmArgs = [] } = {}) {
	const nodesDir = path.join(instance.userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	// Unpacked beside its destination, so the final move is a rename on one file system.
	const unpackDir = fs.mkdtempSync(path.join(instance.userFolder, '.n8n', 'unpack-'));
	try {
		await runCommand('tar', ['-xzf', path.resolve(tarballPath), '-C', unpackDir, '--strip-components=1']);
		const manifestPath = path.join(unpackDir, 'package.json');
		const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
		fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));

		const packageDir = path.join(nodesDir, 'node_modules', manifest.name);
		fs.rmSync(packageDir, { recursive: true, force: true });
		fs.mkdirSync(path.dirname(packageDir), { recursive: true });
		fs.renameSync(unpackDir, packageDir);
		await runCommand(
			'npm',
			['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--loglevel=error', ...extraNpmArgs],
			{ cwd: packageDir },
		);

		const nodesManifestPath = path.join(nodesDir, 'package.json');
		const nodesManifest = fs.existsSync(nodesManifestPath)
			? JSON.parse(fs.readFileSync(nodesManifestPath, 'utf8'))
			: { name: 'installed-nodes', private: true, dependencies: {} };
		nodesManifest.dependencies = { ...nodesManifest.dependencies, [manifest.name]: manifest.version };
		fs.writeFileSync(nodesManifestPath, JSON.stringify(nodesManifest, null, 2));
		return packageDir;
	} finally {
		fs.rmSync(unpackDir, { recursive: true, force: true });
	}
}

/**
 * A fresh user folder with a package (this project by default; it must be built) packed and installed as n8n
 * installs community packages, and `credentials` imported. `env` is what every n8n process of the instance gets
 * (e.g. startPostgres' env). Resolves to { instance, packageDir, remove() }.
 */
async function prepareInstance({ credentials = [], env, packageDir = PROJECT_ROOT } = {}) {
	const instance = createUserFolder();
	if (env) instance.env = env;
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pack-'));
	try {
		const installedDir = await installCommunityPackage(instance, await packPackage(packageDir, packDir));
		if (credentials.length) await importCredentials(instance, credentials);
		return { instance, packageDir: installedDir, remove: () => instance.remove() };
	} catch (error) {
		instance.remove();
		throw error;
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
}

/** `npm pack` of a package folder (this project by default; it must be built) into `destination`; resolves to the tarball path. */
async function packPackage(packageDir = PROJECT_ROOT, destination = os.tmpdir()) {
	const { stdout } = await runCommand('npm', ['pack', '--json', `--pack-destination=${destination}`, '--ignore-scripts'], { cwd: packageDir });
	const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('[')));
	return path.join(destination, filename);
}

function runCommand(command, args, { cwd } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env: nodeEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (data) => (stdout += data));
		child.stderr.on('data', (data) => (stderr += data));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve({ stdout, stderr });
			else reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${lastLines(stderr || stdout, 20)}`));
		});
	});
}

async function waitForReady(baseUrl, { child, timeoutMs = 120_000, logs }) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`n8n exited with ${child.exitCode} before it was ready:\n${lastLines(logs(), 30)}`);
		try {
			const response = await fetch(`${baseUrl}/healthz/readiness`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`n8n was not ready within ${timeoutMs / 1000} s:\n${lastLines(logs(), 30)}`);
}

/**
 * `n8n start` bound to 127.0.0.1 on free ports; resolves once /healthz/readiness answers. The
 * handle has baseUrl, the child process, logs() and stop() (SIGTERM, then SIGKILL if it lingers).
 */
async function startN8n(instance, { env = {}, timeoutMs } = {}) {
	const bin = requireInstalledN8n();
	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const childEnv = await n8nEnv(instance, {
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `${baseUrl}/`,
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		// The session cookie must travel over plain http on 127.0.0.1.
		N8N_SECURE_COOKIE: 'false',
		// This module fetches a catalogue from the internet at start (unreachable here: it only logs errors).
		N8N_DISABLED_MODULES: 'mcp-registry',
		...env,
	});
	return await startReadyN8nProcess([bin, 'start'], instance, childEnv, {
		readyUrl: baseUrl,
		timeoutMs,
		graceMs: 20_000,
		fields: () => ({ baseUrl, port }),
	});
}

/**
 * Spawns the installed n8n (`args`: its bin and command) in the instance's user folder with `childEnv`, keeps its
 * output for logs(), and resolves once `readyUrl`/healthz/readiness answers; one that does not get ready is stopped
 * and the error thrown. The handle: child, logs(), readyAfterMs, the caller's own `fields(handle)`, and
 * stop({ graceMs }) (SIGTERM, then SIGKILL after `graceMs` by default) resolving with its exit code and signal.
 */
async function startReadyN8nProcess(args, instance, childEnv, { readyUrl, timeoutMs, graceMs, fields }) {
	const startedAt = Date.now();
	const child = track(spawn(process.execPath, args, { cwd: instance.userFolder, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
	let output = '';
	child.stdout.on('data', (data) => (output += data));
	child.stderr.on('data', (data) => (output += data));
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	const handle = {
		child,
		logs: () => output,
		readyAfterMs: undefined,
		async stop({ graceMs: grace = graceMs } = {}) {
			await stopChild(child, grace);
			return await exited;
		},
	};
	Object.assign(handle, fields(handle));
	try {
		await waitForReady(readyUrl, { child, timeoutMs, logs: handle.logs });
	} catch (error) {
		await handle.stop();
		throw error;
	}
	handle.readyAfterMs = Date.now() - startedAt;
	return handle;
}

/**
 * The n8n job log lines of a process: "Worker started execution <id> (job <n>)" and "Worker finished
 * execution <id> ..." records of a worker's JSON log, as execution ids.
 */
function executionIdsInLog(logs, verb = 'started') {
	const ids = [];
	const pattern = new RegExp(`Worker ${verb} execution (\\S+) \\(job`);
	for (const line of logs.split('\n')) {
		const match = pattern.exec(line);
		if (match) ids.push(match[1]);
	}
	return ids;
}

/**
 * A Redis server for n8n's queue mode: Debian's redis-server (scripts/ensure-redis.js installs it) on
 * a free port of 127.0.0.1, persistence off (`--save '' --appendonly no`), its working folder a
 * temporary one. Resolves once it accepts connections; `stop()` ends it and removes the folder.
 */
async function startRedis({ bin = process.env.REDIS_SERVER_BIN || 'redis-server', timeoutMs = 20_000 } = {}) {
	const port = await freePort();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-redis-'));
	const args = ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--protected-mode', 'yes'];
	const child = track(spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
	let output = '';
	child.stdout.on('data', (data) => (output += data));
	child.stderr.on('data', (data) => (output += data));
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	const stop = async () => {
		await stopChild(child, 5_000);
		fs.rmSync(dir, { recursive: true, force: true });
		return await exited;
	};
	try {
		await new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`redis-server was not ready within ${timeoutMs / 1000} s:\n${lastLines(output, 20)}`)), timeoutMs);
			child.on('error', (error) => {
				clearTimeout(timer);
				reject(new Error(`could not start ${bin} (run node scripts/ensure-redis.js): ${error.message}`));
			});
			child.on('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`redis-server exited with ${code} before it was ready:\n${lastLines(output, 20)}`));
			});
			const check = () => {
				if (/Ready to accept connections/.test(output)) {
					clearTimeout(timer);
					resolve();
				} else setTimeout(check, 50);
			};
			check();
		});
	} catch (error) {
		await stop();
		throw error;
	}
	return { host: '127.0.0.1', port, child, logs: () => output, stop };
}

/** The folder of Debian's PostgreSQL binaries (/usr/lib/postgresql/<major>/bin), newest major first; undefined if none. */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
	return majors.length ? path.join(root, majors[0], 'bin') : undefined;
}

/** The uid/gid of the `postgres` user (PostgreSQL refuses to run as root). */
function postgresUser() {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith('postgres:'));
	if (!line) throw new Error('running as root but there is no postgres user: install Debian\'s postgresql package (node scripts/ensure-redis.js)');
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A throw-away PostgreSQL for n8n's queue mode (SQLite answers SQLITE_BUSY when a main and two
 * workers write executions at once): Debian's postgresql binaries, `initdb` into a temporary folder
 * (trust authentication, superuser `n8n`), the server on a free port of 127.0.0.1 with durability
 * off (fsync, synchronous_commit, full_page_writes). As root it runs as the postgres user. `env` is what
 * n8n needs (DB_TYPE=postgresdb, DB_POSTGRESDB_*); `stop()` ends it and removes the folder.
 */
async function startPostgres({ binDir = process.env.POSTGRES_BIN_DIR || postgresBinDir(), timeoutMs = 30_000 } = {}) {
	if (!binDir) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): run node scripts/ensure-redis.js');
	const port = await freePort();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-postgres-'));
	const dataDir = path.join(dir, 'data');
	const asUser = typeof process.getuid === 'function' && process.getuid() === 0 ? postgresUser() : {};
	if (asUser.uid !== undefined) fs.chownSync(dir, asUser.uid, asUser.gid);
	const env = { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' };
	await new Promise((resolve, reject) => {
		const init = spawn(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--no-sync'], { ...asUser, cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		init.stdout.on('data', (data) => (output += data));
		init.stderr.on('data', (data) => (output += data));
		init.on('error', reject);
		init.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`initdb exited with ${code}:\n${lastLines(output, 20)}`))));
	});
	const args = ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'];
	const child = track(spawn(path.join(binDir, 'postgres'), args, { ...asUser, cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] }));
	let output = '';
	child.stdout.on('data', (data) => (output += data));
	child.stderr.on('data', (data) => (output += data));
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	const stop = async () => {
		// SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for n8n's pooled connections).
		if (child.exitCode === null && child.signalCode === null) {
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			child.kill('SIGINT');
			await exited;
			clearTimeout(timer);
		}
		fs.rmSync(dir, { recursive: true, force: true });
		return await exited;
	};
	try {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}:\n${lastLines(output, 20)}`);
			if (/database system is ready to accept connections/.test(output)) break;
			if (Date.now() > deadline) throw new Error(`postgres was not ready within ${timeoutMs / 1000} s:\n${lastLines(output, 20)}`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	} catch (error) {
		await stop();
		throw error;
	}
	return {
		host: '127.0.0.1',
		port,
		child,
		logs: () => output,
		stop,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
		},
	};
}

/** The environment that puts an n8n process (main or worker) in queue mode on this Redis. */
function queueModeEnv(redis, extra = {}) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		...extra,
	};
}

/**
 * `n8n worker --concurrency=N` in queue mode (env must hold queueModeEnv(redis)): its health server
 * on a free port of 127.0.0.1; resolves once /healthz/readiness answers (database and Redis up). The
 * handle has healthUrl, child, logs(), startedExecutions() / finishedExecutions() (ids from its log)
 * and stop() (SIGTERM: the worker finishes its running jobs first, up to N8N_GRACEFUL_SHUTDOWN_TIMEOUT).
 */
async function startN8nWorker(instance, { env = {}, concurrency = 10, timeoutMs } = {}) {
	const bin = requireInstalledN8n();
	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const childEnv = await n8nEnv(instance, {
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(port),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		N8N_DISABLED_MODULES: 'mcp-registry',
		...env,
	});
	return await startReadyN8nProcess([bin, 'worker', `--concurrency=${concurrency}`], instance, childEnv, {
		readyUrl: baseUrl,
		timeoutMs,
		graceMs: 40_000,
		fields: ({ child, logs }) => ({
			healthUrl: baseUrl,
			port,
			pid: child.pid,
			startedExecutions: () => executionIdsInLog(logs(), 'started'),
			finishedExecutions: () => executionIdsInLog(logs(), 'finished'),
		}),
	});
}

/**
 * n8n in queue mode on one user folder: `n8n start` as main (it takes the webhook calls and queues the executions)
 * and `workerCount` `n8n worker` processes that run them, all with queueModeEnv(redis). The instance must share a
 * database that several processes can write (startPostgres' env in instance.env). The handle has main, the workers
 * started so far (`workers`), startWorkers(count) for more (e.g. after a restart: they join `workers`), and stop().
 */
async function startQueueMode(instance, { redis, workerCount = 2, concurrency = 10 }) {
	const env = queueModeEnv(redis);
	const main = await startN8n(instance, { env });
	const handle = {
		env,
		main,
		workers: [],
		async startWorkers(count) {
			const started = await Promise.all(Array.from({ length: count }, () => startN8nWorker(instance, { env, concurrency })));
			handle.workers.push(...started);
			return started;
		},
		/** Stops the workers (SIGTERM: each finishes its jobs first) and forgets them; resolves to their exits. */
		async stopWorkers() {
			const exits = await Promise.all(handle.workers.map((worker) => worker.stop()));
			handle.workers = [];
			return exits;
		},
		async stop() {
			await handle.stopWorkers();
			await main.stop();
		},
	};
	try {
		await handle.startWorkers(workerCount);
	} catch (error) {
		await handle.stop();
		throw error;
	}
	return handle;
}

/**
 * Executions of a workflow as the editor lists them (GET /rest/executions with a session): id,
 * status, mode, startedAt, stoppedAt, waitTill, newest first. Pages of 100 (n8n 2.41 refuses more)
 * through `lastId` until all are read.
 */
async function listExecutions(baseUrl, cookie, { workflowId, pageSize = 100 } = {}) {
	const filter = encodeURIComponent(JSON.stringify(workflowId ? { workflowId } : {}));
	const all = [];
	for (let lastId; ; ) {
		const page = `/rest/executions?filter=${filter}&limit=${pageSize}${lastId === undefined ? '' : `&lastId=${lastId}`}`;
		const { results } = (await restRequest(baseUrl, cookie, page)).data;
		all.push(...results);
		if (results.length < pageSize) return all;
		lastId = Math.min(...results.map((execution) => Number(execution.id)));
	}
}

/** Waits until `predicate(executions)` holds for the workflow's executions; resolves to them. */
async function waitForExecutions(baseUrl, cookie, { workflowId, predicate, timeoutMs = 120_000, intervalMs = 500 }) {
	const deadline = Date.now() + timeoutMs;
	let last = [];
	while (Date.now() < deadline) {
		last = await listExecutions(baseUrl, cookie, { workflowId });
		if (predicate(last)) return last;
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	throw new Error(`executions of ${workflowId} did not reach the expected state within ${timeoutMs / 1000} s: ${JSON.stringify(last.map(({ id, status }) => ({ id, status })))}`);
}

/** The `n8n-auth` cookie from a response, as a Cookie header value. */
function authCookie(response) {
	const cookies = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie() : [];
	const auth = cookies.map((cookie) => cookie.split(';')[0]).find((pair) => pair.startsWith('n8n-auth='));
	if (!auth) throw new Error(`no n8n-auth cookie in the response (status ${response.status})`);
	return auth;
}

/**
 * Sets up the owner account (first call on a fresh instance) and logs in; resolves to the Cookie
 * header for REST calls that need a session (/types/nodes.json, /rest/...).
 */
async function ownerSession(baseUrl, owner = OWNER) {
	const setup = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(owner),
	});
	// 400 when the owner exists already: log in instead.
	if (!setup.ok && setup.status !== 400) throw new Error(`owner setup failed: ${setup.status} ${await setup.text()}`);
	const login = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
	return authCookie(login);
}

/** A REST call with the session cookie; resolves to the parsed JSON body (n8n wraps most in `data`). */
async function restRequest(baseUrl, cookie, route, { method = 'GET', body } = {}) {
	const response = await fetch(`${baseUrl}${route}`, {
		method,
		headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 500)}`);
	return text ? JSON.parse(text) : undefined;
}

/**
 * The editor's "Test" button: POST /rest/credentials/test. An empty id tests unsaved data (the owner
 * may); a stored credential's id tests its data merged with what is sent. Resolves to { status, message }.
 */
async function testCredential(baseUrl, cookie, { id = '', name = 'Credential under test', type, data }) {
	const body = await restRequest(baseUrl, cookie, '/rest/credentials/test', { method: 'POST', body: { credentials: { id, name, type, data } } });
	return body.data;
}

/**
 * Starts the Vertex AI emulator as its own process (the vertex-ai-emulator package's built CLI, on a free port,
 * with a temporary state folder) and resolves once it has printed its facts. `images` maps image URIs
 * to a command or to the URL of a server that already runs. `stop()` ends it (SIGTERM: it stops its
 * model servers first) and removes the state folder.
 */
async function startEmulatorProcess({ images = {}, operationStepMs = 50, timeoutMs = 30_000 } = {}) {
	if (!fs.existsSync(EMULATOR_CLI)) throw new Error(`${path.relative(PROJECT_ROOT, EMULATOR_CLI)} is missing: run npm run build first`);
	const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vertex-emulator-'));
	const args = [EMULATOR_CLI, '--port', '0', '--state-dir', stateDir, '--operation-step-ms', String(operationStepMs)];
	for (const [uri, target] of Object.entries(images)) args.push('--image', `${uri}=${target}`);
	const child = track(spawn(process.execPath, args, { env: nodeEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
	let logs = '';
	child.stderr.on('data', (data) => (logs += data));
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	const stop = async () => {
		await stopChild(child, 15_000);
		fs.rmSync(stateDir, { recursive: true, force: true });
		return await exited;
	};
	try {
		const facts = await new Promise((resolve, reject) => {
			let stdout = '';
			const timer = setTimeout(() => reject(new Error(`the emulator printed nothing within ${timeoutMs / 1000} s:\n${lastLines(logs, 20)}`)), timeoutMs);
			child.on('exit', (code) => reject(new Error(`the emulator exited with ${code} before it was ready:\n${lastLines(logs, 20)}`)));
			child.stdout.on('data', (data) => {
				stdout += data;
				const newline = stdout.indexOf('\n');
				if (newline < 0) return;
				clearTimeout(timer);
				try {
					resolve(JSON.parse(stdout.slice(0, newline)));
				} catch (error) {
					reject(new Error(`the emulator printed something that is not its JSON facts: ${error.message}`));
				}
			});
		});
		return {
			...facts,
			child,
			stateDir,
			logs: () => logs,
			stop,
			/** The data of a googleVertexAiApi credential pointing at this emulator (it holds the private key: never print it). */
			credentialData: () => ({
				authentication: 'serviceAccountJson',
				serviceAccountJson: fs.readFileSync(facts.serviceAccountKeyFile, 'utf8'),
				location: facts.location,
				apiBaseUrl: facts.baseUrl,
				tokenUrl: facts.tokenUrl,
			}),
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * What must never be shown of a googleVertexAiApi credential's data: the key JSON, its private key,
 * and each of the key's body lines (long enough to be unique), so a partial leak is caught too.
 */
function keySecrets(credentialData) {
	const keyJson = credentialData.serviceAccountJson;
	const privateKey = JSON.parse(keyJson).private_key || '';
	const lines = privateKey
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line.length >= 40 && !line.startsWith('-----'));
	return [keyJson, privateKey, ...lines].filter(Boolean);
}

module.exports = {
	createUserFolder,
	ensureN8n,
	executionIdsInLog,
	executeWorkflow,
	freePort,
	importCredentials,
	importWorkflow,
	installCommunityPackage,
	keySecrets,
	listExecutions,
	ownerSession,
	packPackage,
	parseExecuteOutput,
	prepareInstance,
	publishWorkflow,
	queueModeEnv,
	restRequest,
	startEmulatorProcess,
	startN8n,
	startN8nWorker,
	startPostgres,
	startQueueMode,
	startRedis,
	stopChildren,
	testCredential,
	waitForExecutions,
};
