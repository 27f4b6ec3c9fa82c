/*
 * One n8n instance on this machine: a fresh user folder (n8n keeps its database, settings and community packages
 * under its `.n8n`), the environment every n8n process of it gets, and the n8n CLI run against it (imports,
 * `n8n execute`).
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const { installDir, isInstalled, n8nBin, nodeEnv } = require('../n8n-install');
const { freePort, lastLines, startProcess } = require('./processes');

/**
 * @typedef {object} N8nInstance
 * @property {string} userFolder
 * @property {string} encryptionKey
 * @property {Record<string, string>} [env] what every n8n process of this instance gets (imports, execute, start, worker), e.g. its database
 * @property {() => void} remove
 */

/**
 * @typedef {object} CommandResult
 * @property {number} code
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 */

/** @typedef {{ env?: Record<string, string>, timeoutMs?: number }} RunOptions */

/** @typedef {{ json: Record<string, unknown>, binary?: Record<string, unknown>, pairedItem?: unknown }} N8nItem */
/** @typedef {{ message: string, name?: string, description?: string, [key: string]: unknown }} N8nError */

/**
 * A run result as `n8n execute --rawOutput` prints it (n8n's IRun, loosely typed).
 * @typedef {object} N8nRun
 * @property {string} status
 * @property {string} mode
 * @property {{ resultData: { runData: Record<string, Array<{ data?: { main?: N8nItem[][] }, error?: N8nError }>>, error?: N8nError, lastNodeExecuted?: string } }} data
 */

/**
 * @typedef {CommandResult & {
 *   run?: N8nRun,
 *   status?: string,
 *   error?: N8nError,
 *   nodeOutput(nodeName: string, outputIndex?: number): N8nItem[],
 *   nodeError(nodeName: string): N8nError | undefined,
 * }} ExecuteResult
 */

/** @typedef {{ id: string, name: string, type: string, data: Record<string, unknown> }} CredentialImport */

/**
 * A fresh N8N_USER_FOLDER and the encryption key credentials are stored with. `remove()` deletes it.
 * @param {{ parent?: string, encryptionKey?: string }} [options]
 * @returns {N8nInstance}
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
 * The environment of every n8n process: its user folder and key, JSON logs (so results can be picked out), its own
 * task-broker port (two n8n processes on one port fail), and nothing that calls out to the internet.
 * @param {N8nInstance} instance
 * @param {Record<string, string>} [extra]
 * @returns {Promise<NodeJS.ProcessEnv>}
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

/** The installed n8n's bin, or a clear error saying how to install it. */
function requireInstalledN8n() {
	if (!isInstalled()) {
		throw new Error(`n8n is not installed in ${installDir()}: run node scripts/n8n-install.js first`);
	}
	return n8nBin();
}

/**
 * Spawns the installed n8n (`args`: its command and flags) in the instance's user folder, with the instance's
 * environment and `env` on top; tracked, its stdout and stderr kept as logs.
 * @param {N8nInstance} instance
 * @param {readonly string[]} args
 * @param {Record<string, string>} [env]
 */
async function spawnN8n(instance, args, env = {}) {
	const bin = requireInstalledN8n();
	return startProcess(process.execPath, [bin, ...args], { cwd: instance.userFolder, env: await n8nEnv(instance, env) });
}

/**
 * Runs `n8n <args>` to completion; resolves to { code, stdout, stderr } (never rejects on a non-zero exit).
 * @param {N8nInstance} instance
 * @param {readonly string[]} args
 * @param {RunOptions} [options]
 * @returns {Promise<CommandResult>}
 */
async function runN8n(instance, args, { env = {}, timeoutMs = 180_000 } = {}) {
	const { child } = await spawnN8n(instance, args, env);
	return await new Promise((resolve, reject) => {
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

/**
 * @param {N8nInstance} instance
 * @param {readonly string[]} args
 * @param {RunOptions} [options]
 */
async function runN8nOrThrow(instance, args, options) {
	const result = await runN8n(instance, args, options);
	if (result.code !== 0) {
		throw new Error(`n8n ${args.join(' ')} exited with ${result.code}:\n${lastLines(result.stdout + result.stderr, 20)}`);
	}
	return result;
}

/**
 * Writes `value` as a JSON file into the user folder, runs `n8n <command> --input=<file>`, and removes the file.
 * @param {N8nInstance} instance
 * @param {string} command
 * @param {string} fileName
 * @param {unknown} value
 */
async function importJson(instance, command, fileName, value) {
	const file = path.join(instance.userFolder, fileName);
	fs.writeFileSync(file, JSON.stringify(value, null, '\t'));
	try {
		await runN8nOrThrow(instance, [command, `--input=${file}`]);
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/**
 * Imports credentials given as plain data; n8n encrypts `data` with the instance's key on import.
 * @param {N8nInstance} instance
 * @param {CredentialImport[]} credentials
 * @returns {Promise<void>}
 */
async function importCredentials(instance, credentials) {
	await importJson(instance, 'import:credentials', `credentials-${crypto.randomUUID()}.json`, credentials);
}

/**
 * Imports one workflow (it must carry its `id`, which `execute --id` and `publish:workflow` use).
 * @param {N8nInstance} instance
 * @param {{ id: string, [key: string]: unknown }} workflow
 * @returns {Promise<string>}
 */
async function importWorkflow(instance, workflow) {
	if (!workflow.id) throw new Error('importWorkflow: the workflow needs an id');
	await importJson(instance, 'import:workflow', `workflow-${workflow.id}.json`, [{ active: false, settings: {}, ...workflow }]);
	return workflow.id;
}

/**
 * Imports leave workflows inactive; webhook workflows must be published before `n8n start`.
 * @param {N8nInstance} instance
 * @param {string} workflowId
 * @returns {Promise<void>}
 */
async function publishWorkflow(instance, workflowId) {
	await runN8nOrThrow(instance, ['publish:workflow', `--id=${workflowId}`]);
}

/**
 * Picks the run result out of `execute --rawOutput` JSON logs: the record whose message is {data: {resultData}}.
 * @param {string} stdout
 * @returns {N8nRun | undefined}
 */
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
 * `n8n execute --id=<id> --rawOutput` (mode `cli`: no streaming). Resolves to the exit code, the parsed run
 * (status, data.resultData.runData / error) and helpers over it.
 * @param {N8nInstance} instance
 * @param {string} workflowId
 * @param {RunOptions} [options]
 * @returns {Promise<ExecuteResult>}
 */
async function executeWorkflow(instance, workflowId, options) {
	const result = await runN8n(instance, ['execute', `--id=${workflowId}`, '--rawOutput'], options);
	const run = parseExecuteOutput(result.stdout);
	const runData = (run && run.data.resultData.runData) || {};
	/** @param {string} nodeName */
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

module.exports = {
	createUserFolder,
	executeWorkflow,
	importCredentials,
	importWorkflow,
	parseExecuteOutput,
	publishWorkflow,
	runN8n,
	spawnN8n,
};
