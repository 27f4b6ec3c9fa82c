/**
 * The emulator's hand-written X.509 writer: every certificate it makes must be strict DER that OpenSSL (through
 * node:crypto and node:tls) accepts. Serials are random, so many identities are made: a non-minimal INTEGER (a
 * leading zero byte before a byte below 0x80) came out about once in 250 identities before it was fixed.
 */
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';

import { generateTlsIdentity } from '../../emulator/x509';

describe('emulator X.509 writer', () => {
	it('makes 1,000 CA and server certificates in a row that OpenSSL parses and pairs with their keys', () => {
		for (let i = 0; i < 1000; i++) {
			const identity = generateTlsIdentity(['127.0.0.1', 'localhost']);
			const ca = new X509Certificate(identity.caPem);
			const server = new X509Certificate(identity.certPem);
			expect(server.verify(ca.publicKey)).toBe(true);
			createSecureContext({ cert: identity.certPem, key: identity.keyPem });
		}
	});
});
