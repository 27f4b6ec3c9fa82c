/** Small helpers for answering over node:http. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './googleErrors';

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}, pretty = true): void {
	const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
	res.writeHead(status, {
		'content-type': 'application/json; charset=UTF-8',
		'content-length': String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
}

export function sendApiError(res: ServerResponse, error: ApiError): void {
	const headers: Record<string, string> = { ...error.headers };
	if (error.status === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/"';
	sendJson(res, error.httpStatus, error.envelope(), headers);
}

/**
 * Reads the whole body, refusing more than `limit` bytes. Over the limit the rest is drained (not
 * stored) so the answer can still reach the client.
 */
export function readBody(req: IncomingMessage, limit: number, tooLarge: () => ApiError): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const declared = Number(req.headers['content-length'] ?? NaN);
		if (Number.isFinite(declared) && declared > limit) {
			req.resume();
			reject(tooLarge());
			return;
		}
		const parts: Buffer[] = [];
		let size = 0;
		let over = false;
		req.on('data', (part: Buffer) => {
			if (over) return;
			size += part.length;
			if (size > limit) {
				over = true;
				parts.length = 0;
				reject(tooLarge());
				return;
			}
			parts.push(part);
		});
		req.on('end', () => {
			if (!over) resolve(Buffer.concat(parts));
		});
		req.on('error', reject);
	});
}

export function parseJsonObject(body: Buffer): Record<string, unknown> {
	if (body.length === 0) return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		throw new ApiError('INVALID_ARGUMENT', 'Invalid JSON payload received. Unexpected token.');
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new ApiError('INVALID_ARGUMENT', 'Invalid JSON payload received. Expected an object.');
	}
	return parsed as Record<string, unknown>;
}

export function isLoopback(req: IncomingMessage): boolean {
	const address = req.socket.remoteAddress ?? '';
	return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
