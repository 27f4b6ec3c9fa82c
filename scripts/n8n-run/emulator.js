/*
 * The Vertex AI emulator (the vertex-ai-emulator workspace package) in its own process, and the credential data
 * that points at it.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { nodeEnv } = require('../n8n-install');
const { lastLines, startProcess, stopChild } = require('./processes');

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/** The emulator is a package of its own (a workspace of this repository); its bin is its built CLI. */
const EMULATOR_CLI = path.join(path.dirname(require.resolve('vertex-ai-emulator/package.json', { paths: [PROJECT_ROOT] })), 'dist', 'cli.js');

/**
 * The facts the emulator CLI prints on its first stdout line.
 * @typedef {object} EmulatorFacts
 * @property {string} baseUrl
 * @property {string} tokenUrl
 * @property {string} serviceAccountKeyFile
 * @property {string} projectId
 * @property {string} projectNumber
 * @property {string} location
 * @property {string} clientEmail
 * @property {string} builtInImage
 * @property {string} pscUrl the Private Service Connect TLS listener (https://127.0.0.1:PORT): a PSC endpoint's address
 * @property {string} pscCaCertificate the PEM of the CA that signed that listener's certificate (made at each start)
 * @property {string} pscCaFile where that PEM is written
 */

/**
 * The emulator's facts and a handle on its process.
 * @typedef {EmulatorFacts & {
 *   stateDir: string,
 *   child: import('node:child_process').ChildProcess,
 *   logs(): string,
 *   stop(): Promise<import('./processes').Exit>,
 *   credentialData(): Record<string, string>,
 * }} EmulatorProcess
 */

/**
 * Starts the emulator's built CLI on a free port with a temporary state folder and resolves once it has printed
 * its facts. `images` maps image URIs to a command or to the URL of a server that already runs;
 * `scaleToZeroTimeScale` multiplies scale-to-zero periods (0.01 makes the 5-minute minimum 3 s). `stop()` ends it
 * (SIGTERM: it stops its model servers first) and removes the state folder.
 * @param {{ images?: Record<string, string>, operationStepMs?: number, scaleToZeroTimeScale?: number, logRequestBodies?: boolean, timeoutMs?: number }} [options]
 * @returns {Promise<EmulatorProcess>}
 */
async function startEmulatorProcess({ images = {}, operationStepMs = 50, scaleToZeroTimeScale, logRequestBodies = false, timeoutMs = 30_000 } = {}) {
	if (!fs.existsSync(EMULATOR_CLI)) throw new Error(`${path.relative(PROJECT_ROOT, EMULATOR_CLI)} is missing: run npm run build first`);
	const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vertex-emulator-'));
	const args = [EMULATOR_CLI, '--port', '0', '--state-dir', stateDir, '--operation-step-ms', String(operationStepMs)];
	for (const [uri, target] of Object.entries(images)) args.push('--image', `${uri}=${target}`);
	if (scaleToZeroTimeScale !== undefined) args.push('--scale-to-zero-time-scale', String(scaleToZeroTimeScale));
	if (logRequestBodies) args.push('--log-request-bodies');
	// Its stdout carries the facts; its logs are stderr.
	const { child, logs, exited } = startProcess(process.execPath, args, { env: nodeEnv() }, { logStdout: false });
	const stop = async () => {
		await stopChild(child, 15_000);
		fs.rmSync(stateDir, { recursive: true, force: true });
		return await exited;
	};
	try {
		/** @type {EmulatorFacts} */
		const facts = await new Promise((resolve, reject) => {
			let stdout = '';
			const timer = setTimeout(() => reject(new Error(`the emulator printed nothing within ${timeoutMs / 1000} s:\n${lastLines(logs(), 20)}`)), timeoutMs);
			child.on('exit', (code) => reject(new Error(`the emulator exited with ${code} before it was ready:\n${lastLines(logs(), 20)}`)));
			child.stdout.on('data', (data) => {
				stdout += data;
				const newline = stdout.indexOf('\n');
				if (newline < 0) return;
				clearTimeout(timer);
				try {
					resolve(JSON.parse(stdout.slice(0, newline)));
				} catch (error) {
					reject(new Error(`the emulator printed something that is not its JSON facts: ${/** @type {Error} */ (error).message}`));
				}
			});
		});
		return {
			...facts,
			child,
			stateDir,
			logs,
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
 * What must never be shown of a googleVertexAiApi credential's data: the key JSON, its private key, and each of the
 * key's body lines (long enough to be unique), so a partial leak is caught too.
 * @param {Record<string, unknown>} credentialData
 * @returns {string[]}
 */
function keySecrets(credentialData) {
	const keyJson = String(credentialData.serviceAccountJson);
	/** @type {string} */
	const privateKey = JSON.parse(keyJson).private_key || '';
	const lines = privateKey
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line.length >= 40 && !line.startsWith('-----'));
	return [keyJson, privateKey, ...lines].filter(Boolean);
}

module.exports = { keySecrets, startEmulatorProcess };
