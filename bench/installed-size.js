'use strict';
/**
 * Installed size of the package with its runtime dependencies, as an n8n user gets it: `npm pack` of the built
 * package, installed into a fresh temp folder the way n8n 2.40 installs a community package (`installCommunityPackage`
 * of scripts/n8n-run/community-package.js: devDependencies, peerDependencies and optionalDependencies dropped from the manifest, then
 * `npm install --install-strategy=shallow --ignore-scripts=true --package-lock=false ...` inside the package folder,
 * the flags of n8n's CommunityPackagesService). Peers (n8n-workflow, @n8n/ai-node-sdk) are the user's n8n's, not counted.
 *
 * Sizes are apparent bytes (the sum of `stat.size` of regular files). `diskBytes` is what the same files take on
 * this file system (allocated blocks, what `du` shows): more, as every small file takes at least a whole block. `node bench/installed-size.js` runs it on its own (after npm run build);
 * `measureInstalledSize({ log })` (a plain results object) and `formatInstalledSize(results)` (the table) are for
 * bench/run.js.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { installCommunityPackage, packPackage } = require('../scripts/n8n-run/community-package');
const { toMiB } = require('./stats');
const { number, table } = require('./table');

const ROOT = path.resolve(__dirname, '..');
const BIGGEST = 10;

/** What `npm pack` ships comes from the `files` field (dist/lib, dist/nodes, dist/credentials): all of it must be built. */
function requireBuild() {
	const { files } = readManifest(ROOT);
	// "!pattern" entries leave files out; they name nothing that must exist.
	const missing = files.filter((entry) => !entry.startsWith('!') && !fs.existsSync(path.join(ROOT, entry)));
	if (missing.length) throw new Error(`${missing.join(', ')} missing: run npm run build first`);
}

function readManifest(dir) {
	return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
}

/** Apparent bytes, disk bytes and file count of a package folder, leaving out its node_modules (packages of their own). */
function folderSize(dir) {
	let bytes = 0;
	let diskBytes = 0;
	let files = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) {
			if (entry.name === 'node_modules') continue;
			const inner = folderSize(full);
			bytes += inner.bytes;
			diskBytes += inner.diskBytes;
			files += inner.files;
		} else if (entry.isFile()) {
			const stat = fs.statSync(full);
			bytes += stat.size;
			diskBytes += stat.blocks * 512;
			files += 1;
		}
	}
	return { bytes, diskBytes, files };
}

/** Node's lookup: `name` in dir/node_modules, then in each parent's node_modules, not above `top`. */
function resolvePackageDir(fromDir, name, top) {
	for (let dir = fromDir; ; dir = path.dirname(dir)) {
		const candidate = path.join(dir, 'node_modules', name);
		if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
		if (dir === top || path.dirname(dir) === dir) return undefined;
	}
}

/**
 * Every installed package reachable from the package at `rootDir` through its dependencies, breadth first, so each
 * one's `chain` (the names from a direct dependency down to it) is a shortest one. Each package folder counts once,
 * however many depend on it.
 */
function walkDependencyTree(rootDir, top) {
	const byDir = new Map();
	const queue = [{ dir: rootDir, chain: [] }];
	while (queue.length) {
		const { dir, chain } = queue.shift();
		const manifest = readManifest(dir);
		const dependencies = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies });
		for (const name of dependencies) {
			const depDir = resolvePackageDir(dir, name, top);
			// A missing optional dependency (another platform's build) is simply not installed.
			if (!depDir || byDir.has(depDir)) continue;
			const depManifest = readManifest(depDir);
			const info = { name: depManifest.name, version: depManifest.version, chain: [...chain, depManifest.name], ...folderSize(depDir) };
			byDir.set(depDir, info);
			queue.push({ dir: depDir, chain: info.chain });
		}
	}
	return [...byDir.values()];
}

/** Each direct dependency with everything installed because of it (a package two of them share counts in both). */
function weightByDirectDependency(dependencies) {
	const weights = new Map();
	for (const dependency of dependencies) {
		const direct = dependency.chain[0];
		const weight = weights.get(direct) ?? { name: direct, version: '', packages: 0, bytes: 0 };
		if (dependency.chain.length === 1) weight.version = dependency.version;
		weight.packages += 1;
		weight.bytes += dependency.bytes;
		weights.set(direct, weight);
	}
	return [...weights.values()].sort((a, b) => b.bytes - a.bytes);
}

/**
 * Packs the built package, installs it as n8n does into a temp folder (removed afterwards) and sums what landed
 * there. Uses the npm registry as `npm install` does (cached packuments and tarballs first); when the registry cannot
 * be reached it tries once more from the npm cache alone (`--offline`).
 */
async function measureInstalledSize({ log = () => {} } = {}) {
	requireBuild();
	const started = performance.now();
	const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vertex-invoke-size-'));
	try {
		log('installed size: npm pack, then installing the tarball as n8n installs a community package');
		const tarball = await packPackage(ROOT, tempDir);
		const instance = { userFolder: tempDir };
		let packageDir;
		try {
			packageDir = await installCommunityPackage(instance, tarball);
		} catch (error) {
			log(`npm install failed (${error.message.split('\n')[0]}); trying again from the npm cache alone`);
			packageDir = await installCommunityPackage(instance, tarball, { extraNpmArgs: ['--offline'] });
		}

		const own = folderSize(packageDir);
		const dependencies = walkDependencyTree(packageDir, packageDir);
		const sum = (key) => dependencies.reduce((total, dependency) => total + dependency[key], 0);
		const dependencyBytes = sum('bytes');
		const biggest = [...dependencies].sort((a, b) => b.bytes - a.bytes).slice(0, BIGGEST);
		const manifest = readManifest(packageDir);
		return {
			package: `${manifest.name}@${manifest.version}`,
			sizeMeasure: 'apparent bytes: the sum of file sizes',
			// This package plus every installed dependency, the figure of issue 14.
			packages: dependencies.length + 1,
			totalBytes: own.bytes + dependencyBytes,
			diskBytes: own.diskBytes + sum('diskBytes'),
			files: own.files + sum('files'),
			ownBytes: own.bytes,
			tarballBytes: fs.statSync(tarball).size,
			dependencyBytes,
			directDependencies: weightByDirectDependency(dependencies),
			// `via`: who pulls it in, from one of this package's dependencies down to its parent ('direct' for those).
			biggest: biggest.map(({ name, version, bytes, chain }) => ({ name, version, bytes, via: chain.length === 1 ? 'direct' : chain.slice(0, -1).join(' > ') })),
			durationMs: Math.round(performance.now() - started),
		};
	} finally {
		fs.rmSync(tempDir, { recursive: true, force: true });
	}
}

const mib = (bytes) => `${toMiB(bytes)}`;

function formatInstalledSize(results) {
	const summary =
		`Installed size of ${results.package} with its runtime dependencies: ${results.packages} packages, ${number(results.files)} files, ` +
		`${mib(results.totalBytes)} MiB (${results.sizeMeasure}; ${mib(results.diskBytes)} MiB on disk); ` +
		`this package alone ${mib(results.ownBytes)} MiB (tarball ${mib(results.tarballBytes)} MiB)\n`;
	const byDirect = table(
		'By direct dependency (with what it pulls in)',
		[
			{ header: 'dependency', value: (row) => `${row.name}@${row.version}` },
			{ header: 'packages', value: (row) => row.packages },
			{ header: 'MiB', value: (row) => mib(row.bytes) },
		],
		results.directDependencies,
	);
	const biggest = table(
		`Biggest ${results.biggest.length} packages`,
		[
			{ header: 'package', value: (row) => `${row.name}@${row.version}` },
			{ header: 'MiB', value: (row) => mib(row.bytes) },
			{ header: 'via', value: (row) => row.via },
		],
		results.biggest,
	);
	return [summary, byDirect, biggest].join('\n');
}

if (require.main === module) {
	measureInstalledSize({ log: (line) => process.stderr.write(`[installed-size] ${line}\n`) })
		.then((results) => process.stdout.write(`${formatInstalledSize(results)}(${results.durationMs} ms)\n`))
		.catch((error) => {
			process.stderr.write(`${error.stack}\n`);
			process.exit(1);
		});
}

module.exports = { measureInstalledSize, formatInstalledSize };
