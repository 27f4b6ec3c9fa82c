/**
 * A small X.509 writer on node:crypto (which verifies certificates but cannot make them): a CA and a
 * server certificate it signs, both ECDSA P-256 with SHA-256, for the Private Service Connect listener.
 * Made fresh at every start, so no key is ever shipped or reused. DER by hand, per RFC 5280.
 */
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

function length(n: number): Buffer {
	if (n < 0x80) return Buffer.from([n]);
	const bytes: number[] = [];
	for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
	return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
	return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);
const octets = (content: Buffer): Buffer => tlv(0x04, content);
const bits = (content: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), content]));
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const TRUE = tlv(0x01, Buffer.from([0xff]));

function integer(value: Buffer): Buffer {
	// Positive: a leading 0 when the high bit is set.
	return tlv(0x02, value[0] !== undefined && value[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
}

function oid(dotted: string): Buffer {
	const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
	const out = [first * 40 + second];
	for (const part of rest) {
		const base128: number[] = [part & 0x7f];
		for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
		out.push(...base128);
	}
	return tlv(0x06, Buffer.from(out));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(at: Date): Buffer {
	const iso = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
	return at.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

function name(commonName: string): Buffer {
	return sequence(set(sequence(oid('2.5.4.10'), utf8('Vertex AI emulator'))), set(sequence(oid('2.5.4.3'), utf8(commonName))));
}

function extension(id: string, value: Buffer, critical = false): Buffer {
	return critical ? sequence(oid(id), TRUE, octets(value)) : sequence(oid(id), octets(value));
}

const ECDSA_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

function keyId(publicKey: KeyObject): Buffer {
	return createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest();
}

function ipBytes(ip: string): Buffer {
	return isIP(ip) === 4 ? Buffer.from(ip.split('.').map(Number)) : Buffer.alloc(0);
}

interface CertificateRequest {
	subject: string;
	publicKey: KeyObject;
	issuer: string;
	issuerKey: KeyObject;
	issuerPublicKey: KeyObject;
	ca: boolean;
	/** DNS names and IPv4 addresses the certificate is for (a server's). */
	altNames?: string[];
	validDays: number;
}

function certificate(request: CertificateRequest): string {
	const notBefore = new Date(Date.now() - 60_000);
	const notAfter = new Date(notBefore.getTime() + request.validDays * 86_400_000);
	const serial = randomBytes(16);
	// DER wants the shortest form: a first byte of 0x01-0x7f is positive and never a padding byte OpenSSL refuses.
	serial[0] = 0x40 | ((serial[0] as number) & 0x3f);
	const extensions = [
		extension('2.5.29.19', request.ca ? sequence(TRUE) : sequence(), true),
		// keyUsage: keyCertSign + cRLSign for the CA, digitalSignature for the server.
		extension('2.5.29.15', request.ca ? bits(Buffer.from([0x06]), 1) : bits(Buffer.from([0x80]), 7), true),
		extension('2.5.29.14', octets(keyId(request.publicKey))),
		extension('2.5.29.35', sequence(tlv(0x80, keyId(request.issuerPublicKey)))),
	];
	if (!request.ca) {
		extensions.push(extension('2.5.29.37', sequence(oid('1.3.6.1.5.5.7.3.1'))));
		const names = (request.altNames ?? []).map((alt) => (isIP(alt) === 4 ? tlv(0x87, ipBytes(alt)) : tlv(0x82, Buffer.from(alt, 'ascii'))));
		extensions.push(extension('2.5.29.17', sequence(...names)));
	}
	const tbs = sequence(
		explicit(0, integer(Buffer.from([2]))),
		integer(serial),
		ECDSA_SHA256,
		name(request.issuer),
		sequence(time(notBefore), time(notAfter)),
		name(request.subject),
		request.publicKey.export({ type: 'spki', format: 'der' }),
		explicit(3, sequence(...extensions)),
	);
	const signature = sign('sha256', tbs, request.issuerKey);
	const der = sequence(tbs, ECDSA_SHA256, bits(signature));
	return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

export interface TlsIdentity {
	/** The CA certificate (PEM) a client trusts to reach the listener. */
	caPem: string;
	/** The server's certificate (PEM), signed by the CA, and its private key (PKCS#8 PEM). */
	certPem: string;
	keyPem: string;
}

/** A new CA and a server certificate for `altNames` signed by it, valid for `validDays`. */
export function generateTlsIdentity(altNames: string[], validDays = 30): TlsIdentity {
	const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
	const server = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
	const caName = 'Vertex AI emulator Private Service Connect CA';
	const caPem = certificate({ subject: caName, publicKey: ca.publicKey, issuer: caName, issuerKey: ca.privateKey, issuerPublicKey: ca.publicKey, ca: true, validDays });
	const certPem = certificate({
		subject: altNames[0] ?? 'localhost',
		publicKey: server.publicKey,
		issuer: caName,
		issuerKey: ca.privateKey,
		issuerPublicKey: createPublicKey(ca.privateKey),
		ca: false,
		altNames,
		validDays,
	});
	return { caPem, certPem, keyPem: server.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}
