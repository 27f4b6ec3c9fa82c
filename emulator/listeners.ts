/**
 * The emulator's listening sockets, all on 127.0.0.1: the main one (routes by Host header, and serves
 * both planes to any other host), one that is always the regional host, and one per dedicated endpoint
 * that is always that endpoint's DNS name, opened when first asked for (so a client can reach "the
 * dedicated host" with no DNS or Host header of its own).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Listener } from './hosts';

type Handler = (req: IncomingMessage, res: ServerResponse, listener: Listener) => void;

function listen(server: Server, port: number): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			const address = server.address();
			resolve(typeof address === 'object' && address ? address.port : port);
		});
	});
}

export class Listeners {
	private readonly servers: Server[] = [];
	private readonly dedicated = new Map<string, Promise<string>>();

	constructor(private readonly handler: Handler) {}

	/** Listens on `port` (0: any free one) for `listener`; answers the base URL. */
	async open(listener: Listener, port = 0): Promise<string> {
		const server = createServer((req, res) => this.handler(req, res, listener));
		// Invoke streams may run for the endpoint's whole inference timeout (up to an hour).
		server.requestTimeout = 0;
		server.keepAliveTimeout = 65_000;
		this.servers.push(server);
		return `http://127.0.0.1:${await listen(server, port)}`;
	}

	/** A TLS listener (the Private Service Connect address) with this certificate and key; answers its https base URL. */
	async openTls(listener: Listener, port: number, tls: { cert: string; key: string }): Promise<string> {
		const server = createTlsServer(tls, (req, res) => this.handler(req, res, listener));
		server.requestTimeout = 0;
		server.keepAliveTimeout = 65_000;
		this.servers.push(server);
		return `https://127.0.0.1:${await listen(server, port)}`;
	}

	/** The URL of the listener that plays this endpoint's dedicated DNS name, opened on first use. */
	dedicatedUrl(endpointId: string): Promise<string> {
		let url = this.dedicated.get(endpointId);
		if (!url) {
			url = this.open({ kind: 'dedicated', endpointId });
			this.dedicated.set(endpointId, url);
		}
		return url;
	}

	close(): void {
		for (const server of this.servers) {
			server.close();
			server.closeAllConnections();
		}
	}
}
