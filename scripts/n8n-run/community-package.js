/*
 * A package (this project by default) packed with `npm pack` and installed into an instance the way n8n installs a
 * community package.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { createUserFolder, importCredentials } = require('./instance');
const { runCommand } = require('./processes');

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * A user folder with a package installed as a community package and credentials imported.
 * @typedef {object} PreparedInstance
 * @property {import('./instance').N8nInstance} instance
 * @property {string} packageDir where the package was installed (.n8n/nodes/node_modules/<name>)
 * @property {() => void} remove
 */

/**
 * Installs a packed package (an `npm pack` tarball) as n8n 2.40 installs a community package: unpack into
 * `.n8n/nodes/node_modules/<name>`, drop dev/peer/optional dependencies from its package.json, `npm install` its
 * runtime dependencies inside that folder (scripts off, no lockfile), and record it in `.n8n/nodes/package.json`.
 * n8n-workflow is not installed there: n8n puts its own node_modules on NODE_PATH for community packages.
 * `extraNpmArgs` are added to that `npm install` (e.g. `--offline` to install from the npm cache alone).
 * @param {import('./instance').N8nInstance} instance
 * @param {string} tarballPath
 * @param {{ extraNpmArgs?: string[] }} [options]
 * @returns {Promise<string>} the installed package's folder
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
 * `npm pack` of a package folder (this project by default; it must be built) into `destination`.
 * @param {string} [packageDir]
 * @param {string} [destination]
 * @returns {Promise<string>} the tarball's path
 */
async function packPackage(packageDir = PROJECT_ROOT, destination = os.tmpdir()) {
	const { stdout } = await runCommand('npm', ['pack', '--json', `--pack-destination=${destination}`, '--ignore-scripts'], { cwd: packageDir });
	const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('[')));
	return path.join(destination, filename);
}

/**
 * A fresh user folder with a package (this project by default; it must be built) packed and installed as n8n
 * installs community packages, and `credentials` imported. `env` is what every n8n process of the instance gets
 * (e.g. startPostgres' env).
 * @param {{ credentials?: import('./instance').CredentialImport[], env?: Record<string, string>, packageDir?: string }} [options]
 * @returns {Promise<PreparedInstance>}
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

module.exports = { installCommunityPackage, packPackage, prepareInstance };
