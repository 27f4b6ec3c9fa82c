import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { VertexApiError } from '../../lib/errors';
import type { HttpRequest, HttpResponse, HttpSender } from '../../lib/http';

/**
 * A Readable's own async iterator ignores return() before the first read; the HttpSender contract (as the real
 * transport keeps it) is that return() always releases the connection.
 */
function releasableBody(readable: Readable): AsyncIterable<Uint8Array> {
	return {
		[Symbol.asyncIterator]() {
			const inner = readable[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
			return {
				next: () => inner.next(),
				return: async () => {
					readable.destroy();
					return { done: true, value: undefined };
				},
			};
		},
	};
}

/**
 * The smallest HttpSender over undici, for the invoke tests: no auth, no retries. It records what it was asked to
 * send and throws on non-2xx unless told not to, as the real transport does.
 */
export class UndiciTestSender implements HttpSender {
	readonly sent: HttpRequest[] = [];
	private readonly agent = new Agent({ connections: 8 });

	async send(httpRequest: HttpRequest): Promise<HttpResponse> {
		this.sent.push(httpRequest);
		const response = await request(httpRequest.url, {
			dispatcher: this.agent,
			method: httpRequest.method,
			headers: httpRequest.headers,
			body: httpRequest.body,
			signal: httpRequest.signal,
			headersTimeout: httpRequest.headersTimeoutMs,
			bodyTimeout: httpRequest.bodyTimeoutMs,
		});
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(response.headers)) {
			if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
		}
		if (response.statusCode >= 300 && httpRequest.throwOnHttpError !== false) {
			const text = await response.body.text();
			throw new VertexApiError(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`, response.statusCode, undefined);
		}
		return { status: response.statusCode, headers, body: releasableBody(response.body) };
	}

	async close(): Promise<void> {
		await this.agent.destroy();
	}
}
