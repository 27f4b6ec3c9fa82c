/**
 * A throw-away PKI for TLS tests: a CA, a server certificate it signs (for the names and IPs asked for), and a second,
 * unrelated CA. node:crypto cannot make X.509 certificates, so this runs the system's `openssl`; where it is missing
 * the caller skips its tests, naming why (OPENSSL_MISSING).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
	caPem: string;
	/** The CA's own private key (only to test that a key pasted as CA is refused). */
	caKeyPem: string;
	serverCertPem: string;
	serverKeyPem: string;
	/** A CA that signed nothing this server presents. */
	otherCaPem: string;
}

export const OPENSSL_MISSING = 'skipped: openssl is not installed, so no test certificate can be made';

function hasOpenssl(): boolean {
	try {
		execFileSync('openssl', ['version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** A CA and a server certificate for `dnsNames` and `ips`, or undefined when openssl is not installed. */
export function makeTestPki(subject: { dnsNames?: string[]; ips?: string[] }): TestPki | undefined {
	if (!hasOpenssl()) return undefined;
	const dir = mkdtempSync(join(tmpdir(), 'psc-pki-'));
	const file = (name: string) => join(dir, name);
	const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
	const newCa = (name: string) =>
		run(
			'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
			'-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name} test CA`,
			'-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
		);
	try {
		newCa('ca');
		newCa('other');
		const altNames = [...(subject.dnsNames ?? []).map((name) => `DNS:${name}`), ...(subject.ips ?? []).map((ip) => `IP:${ip}`)];
		writeFileSync(file('server.ext'), `subjectAltName=${altNames.join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
		run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=private endpoint');
		run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
		const read = (name: string) => readFileSync(file(name), 'utf8');
		return {
			caPem: read('ca.pem'),
			caKeyPem: read('ca.key'),
			serverCertPem: read('server.pem'),
			serverKeyPem: read('server.key'),
			otherCaPem: read('other.pem'),
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
