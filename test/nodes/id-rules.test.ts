/**
 * The nodes' editor checks are the core's id rules: on the rules' corpus (test/lib/rules/ids.corpus.ts) each
 * locator's "By ID" check, "By URL" check and extractor, each format notice and the credential's checks accept
 * exactly what the core accepts, and refuse what it refuses.
 */
import type { INodeProperties, INodePropertyModeValidation } from 'n8n-workflow';

import { GoogleVertexAiApi } from '../../credentials/GoogleVertexAiApi.credentials';
import { VertexAiCreateDedicatedEndpoint } from '../../nodes/VertexAiCreateDedicatedEndpoint/VertexAiCreateDedicatedEndpoint.node';
import { VertexAiUploadModel } from '../../nodes/VertexAiUploadModel/VertexAiUploadModel.node';
import { checkCredential } from '../../nodes/shared/client';
import { deployedModelLocator, endpointLocator, modelLocator } from '../../nodes/shared/parameters';
import { CALLER_ID, PROJECT, SERVICE_ACCOUNT_EMAIL, VERTEX_LOCATIONS } from '../../lib';
import { buildInvokeUrl, resourceName, VertexClient } from '../lib/support/lib-internals';
import { CORPUS, HOSTILE } from '../lib/rules/ids.corpus';

const values = (...names: Array<keyof typeof CORPUS>) => [...new Set([...HOSTILE, ...names.flatMap((name) => [...CORPUS[name].good, ...CORPUS[name].bad])])];
const scope = { projectId: 'my-project', location: 'us-central1' };

function modeRegex(locator: INodeProperties, mode: string): RegExp {
	const validation = locator.modes?.find((m) => m.name === mode)?.validation?.[0] as INodePropertyModeValidation & { properties: { regex: string } };
	return new RegExp(validation.properties.regex);
}

function coreAccepts(check: () => unknown): boolean {
	try {
		check();
		return true;
	} catch {
		return false;
	}
}

/** Values where the node's check and the core's disagree (none expected). */
function disagreements(corpus: string[], node: (value: string) => boolean, core: (value: string) => boolean): string[] {
	return corpus.filter((value) => node(value) !== core(value));
}

// The core trims names before checking them; the editor checks what is typed, and n8n trims nothing. Values with
// surrounding space are left out here (hostile-names.test.ts covers the core's trimming).
const untrimmed = (corpus: string[]) => corpus.filter((value) => value.trim() === value && value !== '');

describe('resource locators "By ID"', () => {
	it('Endpoint accepts exactly the ids and names the core accepts', () => {
		const corpus = untrimmed(values('ENDPOINT_REF', 'RESOURCE_ID', 'MODEL_REF'));
		const node = modeRegex(endpointLocator, 'id');
		expect(disagreements(corpus, (v) => node.test(v), (v) => coreAccepts(() => resourceName('endpoints', v, { ...scope, location: v.split('/')[3] ?? scope.location })))).toEqual([]);
	});

	it('Model accepts exactly the ids, names and @versions the core accepts', () => {
		const corpus = untrimmed(values('MODEL_REF', 'MODEL_NAME', 'RESOURCE_ID', 'MODEL_VERSION').flatMap((v) => [v, `m@${v}`]));
		const node = modeRegex(modelLocator, 'id');
		const core = (v: string) => coreAccepts(() => resourceName('models', v, { ...scope, location: v.split('/')[3] ?? scope.location }, { allowVersion: true }));
		expect(disagreements(corpus, (v) => node.test(v), core)).toEqual([]);
	});

	it('Deployed Model accepts exactly the deployed model ids the core sends an invoke to', () => {
		const node = modeRegex(deployedModelLocator('d'), 'id');
		const endpointName = 'projects/my-project/locations/us-central1/endpoints/ep';
		const core = (id: string) => coreAccepts(() => buildInvokeUrl({ baseUrl: 'https://ep.example', endpointName, deployedModelId: id, path: '/x' }));
		expect(disagreements(untrimmed(values('DEPLOYED_MODEL_ID')), (v) => node.test(v), core)).toEqual([]);
	});
});

describe('resource locators "By URL"', () => {
	// "/", "?" and "#" end the id in a URL (".../models/m/versions/1"), so they are URL structure, not part of an id.
	const ids = untrimmed(values('RESOURCE_ID', 'CALLER_ID')).filter((id) => !/[/?#]/.test(id));
	const url = (kind: string, id: string) => `https://console.cloud.google.com/vertex-ai/x/locations/us-central1/${kind}/${id}?project=my-project`;

	it.each([
		['Endpoint', endpointLocator, 'endpoints', 'endpoints'],
		['Model', modelLocator, 'models', 'models'],
	] as const)('%s: a console URL is taken, and its id extracted, exactly when the core accepts the id', (_label, locator, kind, collection) => {
		const mode = locator.modes?.find((m) => m.name === 'url');
		const extract = new RegExp((mode?.extractValue as { regex: string }).regex);
		const valid = modeRegex(locator, 'url');
		for (const id of ids) {
			const core = coreAccepts(() => resourceName(collection, id, scope));
			expect({ id, valid: valid.test(url(kind, id)), extracted: extract.exec(url(kind, id))?.[1] }).toEqual({ id, valid: core, extracted: core ? id : undefined });
		}
	});
});

describe('editor notices for caller-chosen ids', () => {
	it.each([
		['Create Dedicated Endpoint', new VertexAiCreateDedicatedEndpoint().description.properties, 'endpointIdNotice'],
		['Upload Model', new VertexAiUploadModel().description.properties, 'modelIdNotice'],
	])('%s hides its warning exactly for the ids the core accepts', (_node, properties, name) => {
		const notice = properties.find((property) => property.name === name);
		const hide = Object.values(notice?.displayOptions?.hide ?? {})[0]?.[0] as { _cnd: { regex: string } };
		const hidden = new RegExp(hide._cnd.regex);
		const corpus = untrimmed(values('CALLER_ID', 'RESOURCE_ID'));
		expect(disagreements(corpus, (v) => hidden.test(v), (v) => CALLER_ID.pattern.test(v))).toEqual([]);
	});
});

describe('the credential', () => {
	const base = { authentication: 'accessToken', accessToken: 'token', location: 'us-central1' };

	it('Project ID: accepts exactly what the core client accepts', () => {
		const corpus = untrimmed(values('PROJECT'));
		const node = (projectId: string) => coreAccepts(() => checkCredential({ ...base, projectId }));
		const core = (projectId: string) =>
			coreAccepts(() => new VertexClient({ credential: { kind: 'accessToken', accessToken: 't' }, projectId, location: 'us-central1' }));
		expect(disagreements(corpus, node, core)).toEqual([]);
		expect(disagreements(corpus, node, (v) => PROJECT.pattern.test(v))).toEqual([]);
	});

	it('Impersonate and Client Email: accept exactly the service account emails the core accepts', () => {
		const corpus = untrimmed(values('SERVICE_ACCOUNT_EMAIL'));
		const impersonate = (email: string) => coreAccepts(() => checkCredential({ ...base, impersonateServiceAccount: email }));
		const clientEmail = (email: string) =>
			coreAccepts(() => checkCredential({ authentication: 'serviceAccountEmailKey', clientEmail: email, privateKey: 'k', location: 'us-central1' }));
		expect(disagreements(corpus, impersonate, (v) => SERVICE_ACCOUNT_EMAIL.pattern.test(v))).toEqual([]);
		expect(disagreements(corpus, clientEmail, (v) => SERVICE_ACCOUNT_EMAIL.pattern.test(v))).toEqual([]);
	});

	it('Location lists the core\'s locations', () => {
		const location = new GoogleVertexAiApi().properties.find((property) => property.name === 'location');
		expect(location?.options?.map((option) => (option as { value: string }).value)).toEqual([...VERTEX_LOCATIONS]);
	});
});
