// Copies what tsc does not emit (node and credential icons, codex files) next to the compiled code.
const { src, dest, parallel } = require('gulp');

function copyNodeAssets() {
	return src(['nodes/**/*.{svg,png,json}'], { encoding: false }).pipe(dest('dist/nodes'));
}

function copyCredentialAssets() {
	return src(['credentials/**/*.{svg,png}'], { encoding: false }).pipe(dest('dist/credentials'));
}

exports['build:assets'] = parallel(copyNodeAssets, copyCredentialAssets);
