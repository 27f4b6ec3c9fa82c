#!/usr/bin/env node
/**
 * The emulator's built-in image: a small model server with several routes, as a container behind
 * Vertex's invoke route would have. Self-contained on purpose (only `node:` imports, erasable
 * TypeScript) so Node 24 runs it straight from source and the build ships it as plain JS.
 *
 * Environment (what Vertex gives a container): AIP_HTTP_PORT (default 8080), AIP_HEALTH_ROUTE
 * (default /health), AIP_PREDICT_ROUTE, AIP_DEPLOYED_MODEL_ID. Own switches:
 * SAMPLE_NEVER_HEALTHY=1 or `--never-healthy` (health answers 503 forever),
 * SAMPLE_HEALTH_DELAY_MS / `--health-delay-ms=N` (unhealthy for N ms after start),
 * SAMPLE_MODEL_NAME / `--model-name=NAME` (the name reported in answers).
 */
import * as http from 'node:http';

interface StreamShape {
	chunks: number;
	chunkSize: number;
	delayMs: number;
}

interface ServerConfig {
	port: number;
	healthRoute: string;
	predictRoute: string;
	deployedModelId: string;
	modelName: string;
	neverHealthy: boolean;
	healthyAfter: number;
}

/** Headers that carry credentials; /echo reports their names only, never their values. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-goog-api-key', 'x-api-key']);
const MAX_CHUNKS = 1_000_000;
const MAX_CHUNK_SIZE = 1_048_576;

function argValue(name: string): string | undefined {
	const prefix = `--${name}=`;
	const found = process.argv.find((arg) => arg.startsWith(prefix));
	return found === undefined ? undefined : found.slice(prefix.length);
}

function readConfig(): ServerConfig {
	const healthDelay = Number(argValue('health-delay-ms') ?? process.env.SAMPLE_HEALTH_DELAY_MS ?? 0);
	return {
		port: Number(argValue('port') ?? process.env.AIP_HTTP_PORT ?? 8080),
		healthRoute: process.env.AIP_HEALTH_ROUTE || '/health',
		predictRoute: process.env.AIP_PREDICT_ROUTE || '/predict',
		deployedModelId: process.env.AIP_DEPLOYED_MODEL_ID ?? '',
		modelName: argValue('model-name') ?? process.env.SAMPLE_MODEL_NAME ?? 'sample-model',
		neverHealthy: process.argv.includes('--never-healthy') || process.env.SAMPLE_NEVER_HEALTHY === '1',
		healthyAfter: Date.now() + (Number.isFinite(healthDelay) ? healthDelay : 0),
	};
}

const config = readConfig();
const requestCounts = new Map<string, number>();
let activeStreams = 0;

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const parts: Buffer[] = [];
		req.on('data', (part: Buffer) => parts.push(part));
		req.on('end', () => resolve(Buffer.concat(parts)));
		req.on('error', reject);
	});
}

function parseJson(body: Buffer): Record<string, unknown> {
	if (body.length === 0) return {};
	const parsed: unknown = JSON.parse(body.toString('utf8'));
	return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
	const text = JSON.stringify(value);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

function boundedInt(raw: unknown, fallback: number, min: number, max: number): number {
	const value = typeof raw === 'string' && raw !== '' ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
	return Math.min(max, Math.max(min, Math.floor(value)));
}

/** Body fields win over query parameters, so a benchmark can use either. */
function streamShape(body: Record<string, unknown>, query: URLSearchParams, defaults: StreamShape): StreamShape {
	const pick = (name: string): unknown => body[name] ?? query.get(name) ?? undefined;
	return {
		chunks: boundedInt(pick('chunks'), defaults.chunks, 1, MAX_CHUNKS),
		chunkSize: boundedInt(pick('chunkSize'), defaults.chunkSize, 1, MAX_CHUNK_SIZE),
		delayMs: boundedInt(pick('delayMs'), defaults.delayMs, 0, 600_000),
	};
}

/** Deterministic filler text of the requested size, so clients can check what they received. */
function tokenText(index: number, size: number): string {
	const seed = `tok${index} `;
	return seed.repeat(Math.ceil(size / seed.length)).slice(0, size);
}

/** Writes one piece and waits for the socket to drain when the client reads slower than we write. */
async function writePiece(res: http.ServerResponse, piece: string): Promise<boolean> {
	if (res.destroyed) return false;
	if (!res.write(piece)) {
		await new Promise<void>((resolve) => {
			const done = (): void => {
				res.off('drain', done);
				res.off('close', done);
				resolve();
			};
			res.on('drain', done);
			res.on('close', done);
		});
	}
	return !res.destroyed;
}

function lastUserMessage(body: Record<string, unknown>): string {
	const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
	for (let i = messages.length - 1; i >= 0; i--) {
		const message = messages[i];
		if (message && message.role === 'user' && typeof message.content === 'string') return message.content;
	}
	return '';
}

/**
 * Without `chunks` or `chunkSize` a chat gets a readable reply that quotes the prompt, one word a chunk, so a demo
 * shows that the request went through; with either, deterministic filler of the asked size (tests, benchmarks).
 */
function replyPieces(body: Record<string, unknown>, query: URLSearchParams, shape: StreamShape): string[] {
	const sized = ['chunks', 'chunkSize'].some((name) => body[name] !== undefined || query.has(name));
	const prompt = lastUserMessage(body).trim();
	if (sized || prompt === '') return Array.from({ length: shape.chunks }, (_, i) => tokenText(i, shape.chunkSize));
	const words = `Hello from the sample model server behind Vertex AI invoke! You said: "${prompt}"`.split(' ');
	return words.map((word, i) => (i < words.length - 1 ? `${word} ` : word));
}

async function chatCompletions(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): Promise<void> {
	const body = parseJson(await readBody(req));
	const shape = streamShape(body, query, { chunks: 5, chunkSize: 8, delayMs: 0 });
	const pieces = replyPieces(body, query, shape);
	const id = `chatcmpl-${Date.now().toString(36)}`;
	const created = Math.floor(Date.now() / 1000);
	const model = typeof body.model === 'string' && body.model !== '' ? body.model : config.modelName;
	const promptTokens = lastUserMessage(body).split(/\s+/).filter(Boolean).length;
	const usage = { prompt_tokens: promptTokens, completion_tokens: pieces.length, total_tokens: promptTokens + pieces.length };
	if (body.stream !== true) {
		const content = pieces.join('');
		sendJson(res, 200, {
			id,
			object: 'chat.completion',
			created,
			model,
			choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
			usage,
		});
		return;
	}
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	res.flushHeaders();
	activeStreams++;
	try {
		const chunk = (delta: Record<string, unknown>, finishReason: string | null, extra: Record<string, unknown> = {}): string =>
			`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`;
		if (!(await writePiece(res, chunk({ role: 'assistant', content: '' }, null)))) return;
		for (const piece of pieces) {
			if (shape.delayMs > 0) await sleep(shape.delayMs);
			if (!(await writePiece(res, chunk({ content: piece }, null)))) return;
		}
		if (!(await writePiece(res, chunk({}, 'stop')))) return;
		if (!(await writePiece(res, `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`))) return;
		res.end('data: [DONE]\n\n');
	} finally {
		activeStreams--;
	}
}

async function generate(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): Promise<void> {
	const body = parseJson(await readBody(req));
	const shape = streamShape(body, query, { chunks: 5, chunkSize: 8, delayMs: 0 });
	res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
	res.flushHeaders();
	activeStreams++;
	try {
		for (let i = 0; i < shape.chunks; i++) {
			if (shape.delayMs > 0) await sleep(shape.delayMs);
			if (!(await writePiece(res, `${JSON.stringify({ index: i, text: tokenText(i, shape.chunkSize), done: false })}\n`))) return;
		}
		res.end(`${JSON.stringify({ index: shape.chunks, text: '', done: true, chunks: shape.chunks })}\n`);
	} finally {
		activeStreams--;
	}
}

async function echo(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
	const body = await readBody(req);
	const headers: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value === undefined) continue;
		headers[name] = SECRET_HEADERS.has(name) ? '[redacted]' : value;
	}
	sendJson(res, 200, {
		method: req.method,
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		headers,
		body: body.toString('utf8'),
		bodyBytes: body.length,
		deployedModelId: config.deployedModelId,
		model: config.modelName,
	});
}

function metrics(res: http.ServerResponse): void {
	const lines = ['# TYPE sample_requests_total counter'];
	for (const [route, count] of requestCounts) lines.push(`sample_requests_total{route="${route}"} ${count}`);
	lines.push('# TYPE sample_active_streams gauge', `sample_active_streams ${activeStreams}`);
	lines.push('# TYPE sample_uptime_seconds gauge', `sample_uptime_seconds ${process.uptime().toFixed(3)}`);
	res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
	res.end(`${lines.join('\n')}\n`);
}

function healthy(): boolean {
	return !config.neverHealthy && Date.now() >= config.healthyAfter;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://model-server.local');
	const route = `${req.method} ${url.pathname}`;
	requestCounts.set(route, (requestCounts.get(route) ?? 0) + 1);
	if (url.pathname === config.healthRoute || url.pathname === '/health') {
		if (healthy()) sendJson(res, 200, { status: 'ok', model: config.modelName });
		else sendJson(res, 503, { status: 'starting' });
		return;
	}
	if (req.method === 'POST' && url.pathname === '/v1/chat/completions') return chatCompletions(req, res, url.searchParams);
	if (req.method === 'POST' && url.pathname === '/generate') return generate(req, res, url.searchParams);
	if (url.pathname === '/echo') return echo(req, res, url);
	if (req.method === 'GET' && url.pathname === '/metrics') return metrics(res);
	if (req.method === 'POST' && url.pathname === config.predictRoute) {
		const body = parseJson(await readBody(req));
		const instances = Array.isArray(body.instances) ? body.instances : [];
		sendJson(res, 200, { predictions: instances.map((instance) => ({ echo: instance })), deployedModelId: config.deployedModelId });
		return;
	}
	await readBody(req);
	sendJson(res, 404, { error: { message: `no route ${route}`, type: 'not_found' } });
}

const server = http.createServer((req, res) => {
	handle(req, res).catch((error: unknown) => {
		if (res.headersSent) {
			res.destroy();
			return;
		}
		sendJson(res, 400, { error: { message: error instanceof Error ? error.message : String(error), type: 'bad_request' } });
	});
});
server.listen(config.port, '127.0.0.1', () => {
	process.stderr.write(`sample model server listening on 127.0.0.1:${config.port} (health ${config.healthRoute})\n`);
});

function shutdown(): void {
	server.close();
	server.closeAllConnections();
	setTimeout(() => process.exit(0), 200).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
