/** JSON calls over any HttpSender: encode the body, read the answer, check it against a schema. */
import type { z } from 'zod/v4';

import { VertexApiError } from '../errors';
import type { HttpMethod, HttpSender } from '../http';
import { parseResponse } from '../schemas/validate';
import { readBodyBytes } from '../stream/body';

export interface JsonRequest {
	method: HttpMethod;
	url: string;
	body?: unknown;
	signal?: AbortSignal;
	/** Idempotent calls (GET, polls) may be retried by the transport. */
	retry?: boolean;
}

/** Reads a whole (small) body as UTF-8 text. */
export async function readBodyText(body: AsyncIterable<Uint8Array>): Promise<string> {
	return (await readBodyBytes(body)).toString('utf8');
}

/** Appends query parameters, skipping empty ones. */
export function withQuery(url: string, query: Record<string, string | number | undefined>): string {
	const params = new URLSearchParams();
	for (const [name, value] of Object.entries(query)) {
		if (value !== undefined && value !== '') params.set(name, String(value));
	}
	const text = params.toString();
	return text ? `${url}${url.includes('?') ? '&' : '?'}${text}` : url;
}

export async function sendJson<S extends z.ZodType>(
	sender: HttpSender,
	request: JsonRequest,
	schema: S,
	what: string,
): Promise<z.output<S>> {
	const hasBody = request.body !== undefined;
	const response = await sender.send({
		method: request.method,
		url: request.url,
		headers: { accept: 'application/json', ...(hasBody ? { 'content-type': 'application/json' } : {}) },
		body: hasBody ? JSON.stringify(request.body) : undefined,
		signal: request.signal,
		retry: request.retry ?? request.method === 'GET',
	});
	const text = await readBodyText(response.body);
	let json: unknown;
	try {
		json = text.trim() === '' ? {} : JSON.parse(text);
	} catch {
		throw new VertexApiError(
			`Vertex AI returned a ${what} that is not JSON (HTTP ${response.status}): ${text.slice(0, 200)}`,
			response.status,
			undefined,
		);
	}
	return parseResponse(schema, json, what, response.status);
}
