#!/usr/bin/env node
/*
 * n8n's own gate for community packages, run here without the registry: the analyser of
 * @n8n/scan-community-package (its rule set, built by its exported `buildScanConfig`, on the files its
 * `analyzePackage` selects) on the packed package (`npm pack`, unpacked) and on the sources (the scanner's
 * SOURCE_FILE_PATTERNS: package.json, nodes/, credentials/).
 *
 * Prints every finding's count per target before filtering, then fails (exit code 1) on any finding that
 * scripts/scan-exceptions.json does not list, and on any listed exception that no longer matches a finding,
 * so the list only ever holds what the package does on purpose. Warnings count like errors here.
 *
 * Packs the current build: when dist/ is missing or older than a source, it builds first (`npm run build`).
 *
 *   node scripts/scan-package.js          the scan; exit code 0 when everything found is an exception
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');

const ROOT = path.join(__dirname, '..');
const EXCEPTIONS_FILE = path.join(__dirname, 'scan-exceptions.json');
/** What analyzePackage lints when it is given no patterns (the stricter of its two uses: .d.ts included). */
const TARBALL_PATTERNS = ['**/*.js', '**/*.ts', '**/*.json'];
/** The folders compiled into dist/ (tsconfig.build.json). */
const SOURCE_FOLDERS = ['lib', 'nodes', 'credentials'];

/**
 * @typedef {'tarball' | 'sources'} ScanTarget
 * @typedef {{ target: ScanTarget, file: string, line: number, rule: string, message: string, severity: 'error' | 'warning' }} Finding
 * @typedef {{ rule: string, file: string, subjects?: string[], reason: string }} ScanException
 * @typedef {{ unexpected: Finding[], stale: string[], excepted: number }} ScanVerdict
 */

/**
 * What a finding is about: the first quoted name in its message (the module of a restricted import, the
 * global of a restricted global), or undefined.
 * @param {string} message
 * @returns {string | undefined}
 */
function subjectOf(message) {
	return /'([^']+)'/.exec(message)?.[1];
}

/**
 * @param {ScanException} exception
 * @param {Finding} finding
 */
function covers(exception, finding) {
	if (exception.rule !== finding.rule || exception.file !== finding.file) return false;
	return exception.subjects === undefined || exception.subjects.includes(subjectOf(finding.message) ?? '');
}

/**
 * Sorts the findings against the exception list: those no exception covers, and each exception (or each
 * listed subject of one) that covers nothing.
 * @param {Finding[]} findings
 * @param {ScanException[]} exceptions
 * @returns {ScanVerdict}
 */
function judge(findings, exceptions) {
	const unexpected = findings.filter((finding) => !exceptions.some((exception) => covers(exception, finding)));
	/** @type {string[]} */
	const stale = [];
	for (const exception of exceptions) {
		const matched = findings.filter((finding) => covers(exception, finding));
		if (matched.length === 0) stale.push(`${exception.rule} in ${exception.file}`);
		for (const subject of exception.subjects ?? []) {
			if (!matched.some((finding) => subjectOf(finding.message) === subject)) stale.push(`${exception.rule} '${subject}' in ${exception.file}`);
		}
	}
	return { unexpected, stale: [...new Set(stale)], excepted: findings.length - unexpected.length };
}

/**
 * The exception list, each entry checked for a rule, a file and a reason.
 * @param {string} [file]
 * @returns {ScanException[]}
 */
function readExceptions(file = EXCEPTIONS_FILE) {
	/** @type {unknown} */
	const data = JSON.parse(fs.readFileSync(file, 'utf8'));
	const list = /** @type {{ exceptions?: unknown }} */ (data).exceptions;
	if (!Array.isArray(list)) throw new Error(`${file}: "exceptions" must be an array of { rule, file, subjects?, reason }.`);
	for (const [index, entry] of list.entries()) {
		for (const field of ['rule', 'file', 'reason']) {
			if (typeof entry?.[field] !== 'string' || entry[field].trim() === '') throw new Error(`${file}: exceptions[${index}].${field} must be a non-empty string.`);
		}
		if (entry.subjects !== undefined && (!Array.isArray(entry.subjects) || entry.subjects.some((/** @type {unknown} */ s) => typeof s !== 'string'))) {
			throw new Error(`${file}: exceptions[${index}].subjects must be an array of names when given.`);
		}
	}
	return /** @type {ScanException[]} */ (list);
}

/** A finding as one line. @param {Finding} finding */
function findingLine(finding) {
	return `  ${finding.target} ${finding.file}:${finding.line}  ${finding.severity}  ${finding.rule}  ${finding.message}`;
}

/** @param {Finding[]} findings @param {ScanTarget} target */
function countLine(findings, target) {
	const mine = findings.filter((finding) => finding.target === target);
	const errors = mine.filter((finding) => finding.severity === 'error').length;
	const files = new Set(mine.map((finding) => finding.file)).size;
	return `${target}: ${mine.length} findings (${errors} errors, ${mine.length - errors} warnings) in ${files} files`;
}

/** The newest modification time under `folder` of files matching `test`, or 0. @param {string} folder @param {(name: string) => boolean} test */
function newestMtime(folder, test) {
	if (!fs.existsSync(folder)) return 0;
	let newest = 0;
	for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
		if (entry.isFile() && test(entry.name)) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
	}
	return newest;
}

/**
 * Whether dist/ holds a build of the current sources: every compiled folder is there, none is older than its
 * sources, and no compiled file is left over from a source that is gone (it would be packed).
 */
function buildIsCurrent() {
	for (const folder of SOURCE_FOLDERS) {
		const built = path.join(ROOT, 'dist', folder);
		if (!fs.existsSync(built)) return false;
		const builtTimes = fs.readdirSync(built, { withFileTypes: true, recursive: true })
			.filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
			.map((entry) => {
				const file = path.join(entry.parentPath, entry.name);
				const source = path.join(ROOT, folder, path.relative(built, file)).replace(/\.js$/, '.ts');
				return fs.existsSync(source) ? fs.statSync(file).mtimeMs : 0;
			});
		const oldestBuilt = builtTimes.length === 0 ? 0 : Math.min(...builtTimes);
		if (oldestBuilt < newestMtime(path.join(ROOT, folder), (name) => name.endsWith('.ts'))) return false;
	}
	return true;
}

/**
 * Runs a command in the repository, failing with its output.
 * @param {string} command @param {string[]} args @param {string} [cwd]
 */
function run(command, args, cwd = ROOT) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
	return result.stdout;
}

/** Packs the package once and unpacks it into a temporary folder; returns that folder. */
function packAndUnpack() {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-package-'));
	const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work]));
	const unpacked = path.join(work, 'package');
	fs.mkdirSync(unpacked);
	run('tar', ['-xzf', path.join(work, packed.filename), '-C', unpacked, '--strip-components=1']);
	return unpacked;
}

/**
 * The scanner's module, with the ESLint and fast-glob it resolves (its own pins), loaded once.
 * @returns {Promise<{ scanner: any, ESLint: any, glob: any }>}
 */
async function loadScanner() {
	// eslint-plugin-n8n-nodes-base reads file names differently under NODE_ENV=test (its own tests), as jest sets it.
	delete process.env.NODE_ENV;
	const scannerPath = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
	const scannerRequire = createRequire(scannerPath);
	// The scanner makes a temporary folder when it loads (for registry downloads, unused here): removed on exit.
	scannerRequire('tmp').setGracefulCleanup();
	return { scanner: await import(pathToFileURL(scannerPath).href), ESLint: scannerRequire('eslint').ESLint, glob: scannerRequire('fast-glob') };
}

/**
 * Lints `folder` as the scanner's analyzePackage does (its config and options, the files it selects), but keeps
 * each message: analyzePackage itself returns only a formatted report, which cannot be matched to exceptions.
 * @param {{ scanner: any, ESLint: any, glob: any }} loaded @param {ScanTarget} target @param {string} folder @param {string[]} patterns
 * @returns {Promise<Finding[]>}
 */
async function analyze({ scanner, ESLint, glob }, target, folder, patterns) {
	const eslint = new ESLint({ cwd: folder, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await scanner.buildScanConfig() });
	const files = glob.sync(patterns, { cwd: folder, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	/** @type {Array<{ filePath: string, messages: Array<{ line: number, ruleId: string | null, message: string, severity: number }> }>} */
	const results = await eslint.lintFiles(files);
	return results.flatMap((result) =>
		result.messages.map((message) => ({
			target,
			file: path.relative(folder, result.filePath),
			line: message.line,
			rule: message.ruleId ?? '(parser)',
			message: message.message,
			severity: /** @type {'error' | 'warning'} */ (message.severity === 2 ? 'error' : 'warning'),
		})),
	);
}

/** The scan: builds when needed, packs once, analyses both targets, judges; returns the exit code. */
async function main() {
	const startedAt = Date.now();
	if (!buildIsCurrent()) {
		console.log('dist/ is missing or older than the sources: building (npm run build)...');
		for (const folder of SOURCE_FOLDERS) fs.rmSync(path.join(ROOT, 'dist', folder), { recursive: true, force: true });
		run('npm', ['run', '--silent', 'build']);
	}
	const unpacked = packAndUnpack();
	try {
		const loaded = await loadScanner();
		const findings = [
			...(await analyze(loaded, 'tarball', unpacked, TARBALL_PATTERNS)),
			...(await analyze(loaded, 'sources', ROOT, loaded.scanner.SOURCE_FILE_PATTERNS)),
		];
		const verdict = judge(findings, readExceptions());
		console.log(`n8n's community package scan (@n8n/scan-community-package), before the exception list:`);
		console.log(`  ${countLine(findings, 'tarball')}`);
		console.log(`  ${countLine(findings, 'sources')}`);
		console.log(`${verdict.excepted} listed in scripts/scan-exceptions.json; ${verdict.unexpected.length} not listed; ${verdict.stale.length} exceptions that match nothing.`);
		if (verdict.unexpected.length > 0) console.log('Not listed (fix it, or list it with the reason it is on purpose):');
		for (const finding of verdict.unexpected) console.log(findingLine(finding));
		if (verdict.stale.length > 0) console.log('Listed but no longer found (remove it from the list):');
		for (const exception of verdict.stale) console.log(`  ${exception}`);
		console.log(`Scan took ${((Date.now() - startedAt) / 1000).toFixed(1)} s.`);
		return verdict.unexpected.length === 0 && verdict.stale.length === 0 ? 0 : 1;
	} finally {
		fs.rmSync(path.dirname(unpacked), { recursive: true, force: true });
	}
}

module.exports = { judge, readExceptions, subjectOf };

if (require.main === module) {
	main().then(
		(code) => (process.exitCode = code),
		(error) => {
			console.error(error instanceof Error ? error.message : error);
			process.exitCode = 1;
		},
	);
}
