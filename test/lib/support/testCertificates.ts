/**
 * A throw-away PKI for TLS tests: a CA, a server certificate it signs (for the DNS names and IPv4 addresses asked
 * for), a second, unrelated CA, and a private key to paste where a certificate belongs. Made with the emulator's
 * certificate generator (node:crypto cannot make X.509 certificates by itself), so no tool needs to be installed.
 */
import { generateTlsIdentity } from '../../../emulator/x509';

export interface TestPki {
	caPem: string;
	serverCertPem: string;
	serverKeyPem: string;
	/** A CA that signed nothing this server presents. */
	otherCaPem: string;
	/** A private key of no use here (PKCS#8 PEM): what a user might paste as the CA by mistake. */
	strayKeyPem: string;
}

export function makeTestPki(altNames: string[]): TestPki {
	const server = generateTlsIdentity(altNames, 2);
	const other = generateTlsIdentity(['other.test.internal'], 2);
	return { caPem: server.caPem, serverCertPem: server.certPem, serverKeyPem: server.keyPem, otherCaPem: other.caPem, strayKeyPem: other.keyPem };
}
