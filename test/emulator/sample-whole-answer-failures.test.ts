/**
 * The sample model server's whole-answer dialects failing as the real servers do (emulator/README.md, `failWith`):
 * KServe v2 / Triton's `{"error": ...}` and TorchServe's ErrorResponse, status and body as sent. The server runs
 * straight from its TypeScript source, as the emulator starts it.
 */
import { startSampleServer, type SampleServer } from '../lib/support/sampleServer';

const MESSAGE = 'Model m failed: CUDA error: an illegal memory access was encountered';
let kserve: SampleServer;
let torchserve: SampleServer;

beforeAll(async () => {
	[kserve, torchserve] = await Promise.all([startSampleServer(['--dialect=kserve']), startSampleServer(['--dialect=torchserve'])]);
}, 30_000);

afterAll(() => {
	kserve?.stop();
	torchserve?.stop();
});

const post = (base: string, route: string, body: unknown) =>
	fetch(`${base}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const kserveRequest = { inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1], data: ['hi'] }] };

describe('kserve: a failed inference', () => {
	it('answers 500 with the protocol\'s error object, the message as asked', async () => {
		const response = await post(kserve.base, '/v2/models/m/infer', { ...kserveRequest, failWith: MESSAGE });
		expect(response.status).toBe(500);
		expect(response.headers.get('content-type')).toBe('application/json');
		expect(await response.json()).toEqual({ error: MESSAGE });
	});

	it('takes the switch from the query too, on a versioned route', async () => {
		const response = await post(kserve.base, `/v2/models/m/versions/1/infer?failWith=${encodeURIComponent(MESSAGE)}`, kserveRequest);
		expect(response.status).toBe(500);
		expect(await response.json()).toEqual({ error: MESSAGE });
	});

	it('answers as before without it', async () => {
		const response = await post(kserve.base, '/v2/models/m/infer', { ...kserveRequest, chunks: 1, chunkSize: 4 });
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ model_name: 'm', outputs: [{ data: ['tok0'] }] });
	});
});

describe('torchserve: a handler that raised', () => {
	it('answers 503 with the frontend\'s ErrorResponse, pretty-printed as TorchServe writes it', async () => {
		const response = await post(torchserve.base, '/predictions/m', { failWith: MESSAGE });
		expect(response.status).toBe(503);
		expect(response.headers.get('content-type')).toBe('application/json');
		const text = await response.text();
		expect(JSON.parse(text)).toEqual({ code: 503, type: 'InternalServerException', message: MESSAGE });
		expect(text).toBe(`{\n  "code": 503,\n  "type": "InternalServerException",\n  "message": ${JSON.stringify(MESSAGE)}\n}\n`);
	});

	it('takes the switch from the query too', async () => {
		const response = await post(torchserve.base, `/predictions/m?failWith=${encodeURIComponent(MESSAGE)}`, {});
		expect(response.status).toBe(503);
		expect(await response.json()).toMatchObject({ message: MESSAGE });
	});

	it('answers as before without it', async () => {
		const response = await post(torchserve.base, '/predictions/m', { chunks: 2, chunkSize: 4 });
		expect(response.status).toBe(200);
		expect(await response.text()).toBe('tok0tok1');
	});
});
