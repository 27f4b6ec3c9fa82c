/**
 * The data plane of a Private Service Connect endpoint: the address the user names (the forwarding rule's IP or a
 * private DNS name), and how its TLS certificate is checked. Google signs these certificates with no public CA, so
 * the user either pastes the CA certificate to verify against, or explicitly accepts any certificate. Each choice
 * gets its own undici Agent, used for that address only (the data-plane host policy sends nothing elsewhere).
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { Agent } from 'undici';

import { fieldRef, messageParts, VertexValidationError } from '../errors';
import { privateAddressOrigin } from '../hosts';
import { holdsPrivateKey, looksLikeSecret, quoteForMessage, rememberPemLines } from '../secrets';
import { keyedAgent } from './agent';

export interface PrivateEndpointOptions {
	/** The forwarding rule's IP address or a private DNS name pointing at it, optionally with :port. */
	address: string;
	/**
	 * PEM CA certificate(s) the endpoint's certificate must chain to (public CAs are not trusted then). Left out, the
	 * client's `privateEndpointCaCertificate` is used (the n8n nodes take it from the credential only).
	 */
	caCertificate?: string;
	/**
	 * Accept whatever certificate the address presents: the traffic is encrypted, but anything answering on that
	 * address (a spoofed DNS record, a rogue VM) receives the bearer token. Never together with `caCertificate`.
	 */
	acceptSelfSignedCertificate?: boolean;
	/** The name the certificate is checked against (and sent as SNI) instead of the address, e.g. when it is an IP. */
	tlsServerName?: string;
}

/** A private endpoint whose options were checked: its origin and the TLS options of its Agent. */
export interface CheckedPrivateEndpoint {
	origin: string;
	tls: { ca?: string[]; rejectUnauthorized: boolean; servername?: string };
	/** Equal for equal options: the key of its Agent and its data-plane transport. */
	key: string;
}

const FIELD = 'privateEndpoint';
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\r?\n[\s\S]*?\r?\n-----END CERTIFICATE-----/g;
const DNS_NAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
// Named without the dashes: error texts are scrubbed of anything shaped like a PEM block.
const CA_RULE = 'one or more PEM certificates, each from its BEGIN CERTIFICATE line to its END CERTIFICATE line';

/**
 * The certificates of a pasted CA field, each parsed. A private key (or a text holding one) is refused without
 * being quoted, and its lines are remembered as secrets so no error can carry them; anything else that is not
 * made of certificates is refused too.
 */
export function checkCaCertificate(pem: string, field: string): string[] {
	if (typeof pem !== 'string') throw new VertexValidationError(messageParts`${fieldRef(field)} must be text: ${CA_RULE}.`, field);
	if (holdsPrivateKey(pem)) {
		rememberPemLines(pem);
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} holds a private key: paste the CA's certificate (${CA_RULE}), never a key. The value is not shown; replace the key you pasted if it may have been seen.`,
			field,
			{ rule: CA_RULE },
		);
	}
	const text = pem.trim().replace(/\r\n/g, '\n');
	const blocks = text.match(PEM_CERTIFICATE) ?? [];
	const rest = text.replace(PEM_CERTIFICATE, '').trim();
	if (blocks.length === 0 || rest !== '') {
		rememberPemLines(pem);
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} is not a certificate: use ${CA_RULE}${blocks.length > 0 ? ', with nothing else between or around them' : ''}.`,
			field,
			{ rule: CA_RULE },
		);
	}
	return blocks.map((block, index) => {
		try {
			new X509Certificate(block);
		} catch {
			throw new VertexValidationError(
				messageParts`${fieldRef(field)}: certificate ${index + 1} of ${blocks.length} cannot be read (its base64 is damaged or it is not X.509). Paste it again whole.`,
				field,
				{ rule: CA_RULE },
			);
		}
		return `${block}\n`;
	});
}

/** A CA already checked (checkCaCertificate) that a client hands to each of its private endpoints; `field` is where it was set. */
export interface DefaultCaCertificate {
	certificates: string[];
	field: string;
	/** How messages name it (where it was set, in the user's words). */
	label: string;
}

/**
 * Checks the options of a private endpoint (before anything is sent); errors name the field under `privateEndpoint`,
 * or `defaultCa.field` for the client's CA. A CA of the call replaces the client's; accepting any certificate while a
 * CA is set (the call's or the client's) is refused rather than one silently ignoring the other.
 */
export function checkPrivateEndpoint(options: PrivateEndpointOptions, defaultCa?: DefaultCaCertificate): CheckedPrivateEndpoint {
	if (!options || typeof options !== 'object') {
		throw new VertexValidationError(messageParts`${fieldRef(FIELD)} must be an object with an address.`, FIELD);
	}
	const origin = privateAddressOrigin(options.address, `${FIELD}.address`);
	const pem = typeof options.caCertificate === 'string' ? options.caCertificate.trim() : options.caCertificate;
	const acceptSelfSigned = options.acceptSelfSignedCertificate === true;
	if (options.acceptSelfSignedCertificate !== undefined && typeof options.acceptSelfSignedCertificate !== 'boolean') {
		throw new VertexValidationError(messageParts`${fieldRef(`${FIELD}.acceptSelfSignedCertificate`)} must be true or false.`, `${FIELD}.acceptSelfSignedCertificate`);
	}
	const caRef = pem ? fieldRef(`${FIELD}.caCertificate`) : defaultCa && fieldRef(defaultCa.field, defaultCa.label);
	if (acceptSelfSigned && caRef !== undefined) {
		throw new VertexValidationError(
			messageParts`${fieldRef(`${FIELD}.acceptSelfSignedCertificate`)} and ${caRef} conflict: with a CA certificate the endpoint's certificate is verified against it; accepting any self-signed certificate would ignore it. Choose one.`,
			`${FIELD}.acceptSelfSignedCertificate`,
		);
	}
	const ca = pem ? checkCaCertificate(pem, `${FIELD}.caCertificate`) : defaultCa?.certificates;
	const serverName = options.tlsServerName?.trim() || undefined;
	if (serverName !== undefined && (isIP(serverName) !== 0 || !DNS_NAME.test(serverName) || looksLikeSecret(serverName))) {
		throw new VertexValidationError(
			messageParts`${fieldRef(`${FIELD}.tlsServerName`)} ${quoteForMessage(serverName)} is not a DNS name (the name in the endpoint's certificate, e.g. 123.us-central1-456.prediction.vertexai.goog).`,
			`${FIELD}.tlsServerName`,
		);
	}
	const tls = { ...(ca ? { ca } : {}), rejectUnauthorized: !acceptSelfSigned, ...(serverName ? { servername: serverName } : {}) };
	return { origin, tls, key: JSON.stringify([origin, ca ?? null, tls.rejectUnauthorized, serverName ?? null]) };
}

/** The Agent of a checked private endpoint (one per distinct options, shared; the oldest closed past 32). */
export function privateEndpointAgent(endpoint: CheckedPrivateEndpoint): Agent {
	return keyedAgent(endpoint.key, endpoint.tls);
}
