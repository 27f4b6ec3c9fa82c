import { Agent } from 'undici';

import { TokenHostPolicy, VertexTransport } from '../support/lib-internals';
import type { HttpRequest, HttpResponse, HttpSender } from '../../../lib/http';

/**
 * The real transport (token header, host policy, body release, error mapping) on an Agent of its own, for
 * the invoke tests; it records what it was asked to send.
 */
export class RecordingTransport implements HttpSender {
	readonly sent: HttpRequest[] = [];
	private readonly agent = new Agent({ connections: 8 });
	private readonly transport: VertexTransport;

	constructor(baseUrl: string) {
		this.transport = new VertexTransport({
			getAccessToken: async () => 'test-token',
			hostPolicy: new TokenHostPolicy([baseUrl]),
			dispatcher: this.agent,
		});
	}

	send(request: HttpRequest): Promise<HttpResponse> {
		this.sent.push(request);
		return this.transport.send(request);
	}

	async close(): Promise<void> {
		await this.agent.destroy();
	}
}
