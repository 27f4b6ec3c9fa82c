import {
	controlPlaneBaseUrl,
	dedicatedEndpointBaseUrl,
	googleControlPlaneOrigin,
	isLoopbackHost,
	normalizeBaseUrl,
	PrivateAddressPolicy,
	privateAddressOrigin,
	TokenHostPolicy,
	VertexValidationError,
} from './support/lib-internals';

describe('control-plane hosts', () => {
	it.each([
		['us-central1', 'https://us-central1-aiplatform.googleapis.com'],
		['europe-west4', 'https://europe-west4-aiplatform.googleapis.com'],
		['global', 'https://aiplatform.googleapis.com'],
		['us', 'https://aiplatform.us.rep.googleapis.com'],
		['eu', 'https://aiplatform.eu.rep.googleapis.com'],
	])('%s -> %s', (location, origin) => {
		expect(googleControlPlaneOrigin(location)).toBe(origin);
	});

	it('lets a custom base URL override the host, normalised', () => {
		expect(controlPlaneBaseUrl('us-central1', 'https://psc.example.internal/')).toBe('https://psc.example.internal');
		expect(controlPlaneBaseUrl('us-central1', 'http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
	});

	it('refuses bad locations and plain http on non-loopback base URLs, naming the field', () => {
		expect(() => googleControlPlaneOrigin('us-central1.evil.com/x')).toThrow(expect.objectContaining({ field: 'location' }));
		expect(() => normalizeBaseUrl('http://10.0.0.5:8080', 'apiBaseUrl')).toThrow(
			expect.objectContaining({ field: 'apiBaseUrl', message: expect.stringContaining('loopback') }),
		);
		expect(() => normalizeBaseUrl('ftp://host', 'apiBaseUrl')).toThrow(VertexValidationError);
		expect(() => normalizeBaseUrl('https://user:pw@host', 'apiBaseUrl')).toThrow(VertexValidationError);
	});

	it('recognises loopback addresses only', () => {
		expect(['127.0.0.1', '127.5.6.7', 'localhost', '[::1]'].every(isLoopbackHost)).toBe(true);
		expect(['128.0.0.1', '10.0.0.1', '127.0.0.1.nip.io', 'localhost.evil.com', '[::2]'].some(isLoopbackHost)).toBe(false);
	});
});

describe('dedicated endpoint DNS', () => {
	it('strips an accidental scheme and slash, and refuses what is not a host', () => {
		expect(dedicatedEndpointBaseUrl('123.us-central1-456.prediction.vertexai.goog')).toBe('https://123.us-central1-456.prediction.vertexai.goog');
		expect(dedicatedEndpointBaseUrl('https://123.us-central1-456.prediction.vertexai.goog/')).toBe(
			'https://123.us-central1-456.prediction.vertexai.goog',
		);
		expect(() => dedicatedEndpointBaseUrl('host/path?x=1')).toThrow(VertexValidationError);
	});
});

describe('token host policy', () => {
	const policy = new TokenHostPolicy(['https://psc.example.internal', 'http://127.0.0.1:9000']);

	it.each([
		'https://us-central1-aiplatform.googleapis.com/v1/projects/p',
		'https://aiplatform.eu.rep.googleapis.com/v1/x',
		'https://1.us-central1-2.prediction.vertexai.goog/v1/x',
		'https://psc.example.internal/v1/x',
		'http://127.0.0.1:9000/v1/x',
	])('allows %s', (url) => {
		expect(policy.assertAllowed(url).href).toBe(new URL(url).href);
	});

	it.each([
		'https://evil.example.com/v1/x',
		'https://googleapis.com.evil.net/v1/x',
		'https://googleapis.com/v1/x',
		'http://us-central1-aiplatform.googleapis.com/v1/x',
		'http://127.0.0.1:9001/v1/x',
		'https://psc.example.internal:8443/v1/x',
		'not a url',
	])('refuses %s', (url) => {
		expect(() => policy.assertAllowed(url)).toThrow(expect.objectContaining({ field: 'url' }));
	});
});

describe('private service connect addresses', () => {
	it.each([
		['10.128.0.3', 'https://10.128.0.3'],
		['10.128.0.3:8443', 'https://10.128.0.3:8443'],
		['https://vertex-psc.internal/', 'https://vertex-psc.internal'],
		['1234.us-central1-567.prediction.vertexai.goog', 'https://1234.us-central1-567.prediction.vertexai.goog'],
		['[fd00::3]:443', 'https://[fd00::3]'],
	])('%s is the origin %s', (address, origin) => {
		expect(privateAddressOrigin(address, 'privateEndpoint.address')).toBe(origin);
	});

	it.each(['http://10.0.0.3', 'ftp://10.0.0.3', '10.0.0.3/v1', 'user@10.0.0.3', '10.0.0.3?x=1', 'a b', '', '10.0.0.3:0', '-host'])(
		'refuses %p, naming the field',
		(address) => {
			expect(() => privateAddressOrigin(address, 'privateEndpoint.address')).toThrow(
				expect.objectContaining({ field: 'privateEndpoint.address' }),
			);
		},
	);
});

describe('the token goes to the named private address and nowhere else', () => {
	const privateOrigin = 'https://10.128.0.3';

	it('the data-plane policy of a private address allows that origin only: not Google, not another port, not http', () => {
		const dataPlane = new PrivateAddressPolicy(privateOrigin);
		expect(dataPlane.assertAllowed(`${privateOrigin}/v1/projects/p/locations/l/endpoints/e/invoke/x`).origin).toBe(privateOrigin);
		for (const url of [
			'https://us-central1-aiplatform.googleapis.com/v1/x',
			'https://1.us-central1-2.prediction.vertexai.goog/v1/x',
			'https://10.128.0.3:8443/v1/x',
			'http://10.128.0.3/v1/x',
			'https://10.128.0.4/v1/x',
		]) {
			expect(() => dataPlane.assertAllowed(url)).toThrow(expect.objectContaining({ field: 'url' }));
		}
	});

	it('the control-plane policy never allows the private address: only Google hosts or the custom API endpoint', () => {
		const controlPlane = new TokenHostPolicy(['https://api.example.internal']);
		expect(() => controlPlane.assertAllowed(`${privateOrigin}/v1/projects/p`)).toThrow(expect.objectContaining({ field: 'url' }));
		expect(controlPlane.assertAllowed('https://api.example.internal/v1/projects/p').origin).toBe('https://api.example.internal');
		expect(controlPlane.assertAllowed('https://us-central1-aiplatform.googleapis.com/v1/projects/p').protocol).toBe('https:');
	});
});
