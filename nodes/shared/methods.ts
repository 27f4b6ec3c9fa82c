import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	ILoadOptionsFunctions,
	INodeCredentialTestResult,
	INodeListSearchResult,
} from 'n8n-workflow';

import { resourceId } from '../../lib';
import { checkedClient, credentialProblem } from './client';
import { CREDENTIAL_TYPE } from './parameters';

/** Methods the editor calls: searchable lists for resource locators, and the credential test. */

const PAGE_SIZE = 50;

function matches(filter: string | undefined, ...values: Array<string | undefined>): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return values.some((value) => value?.toLowerCase().includes(needle));
}

async function clientFor(ctx: ILoadOptionsFunctions) {
	return checkedClient(await ctx.getCredentials(CREDENTIAL_TYPE));
}

/** One page of named resources as list-search results: "Display name (id)", filtered by name or id. */
function resultsPage(
	resources: Array<{ name: string; displayName?: string }>,
	filter: string | undefined,
	nextPageToken: string | undefined,
): INodeListSearchResult {
	return {
		results: resources
			.filter((resource) => matches(filter, resource.displayName, resource.name))
			.map((resource) => ({
				name: `${resource.displayName ?? resourceId(resource.name)} (${resourceId(resource.name)})`,
				value: resourceId(resource.name),
			})),
		paginationToken: nextPageToken || undefined,
	};
}

export async function searchEndpoints(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await clientFor(this);
	const page = await client.listEndpoints({ pageSize: PAGE_SIZE, pageToken: paginationToken });
	return resultsPage(page.endpoints, filter, page.nextPageToken);
}

export async function searchModels(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await clientFor(this);
	const page = await client.listModels({ pageSize: PAGE_SIZE, pageToken: paginationToken });
	return resultsPage(page.models, filter, page.nextPageToken);
}

/** The location's deployment resource pools, by id (pools have no display name). */
export async function searchDeploymentResourcePools(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await clientFor(this);
	const page = await client.listDeploymentResourcePools({ pageSize: PAGE_SIZE, pageToken: paginationToken });
	return resultsPage(page.deploymentResourcePools, filter, page.nextPageToken);
}

/** The models deployed on the endpoint chosen in the same node, for pinning an invoke to one of them. */
export async function searchDeployedModels(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const endpoint = this.getCurrentNodeParameter('endpoint', { extractValue: true });
	if (typeof endpoint !== 'string' || endpoint === '') return { results: [] };
	const client = await clientFor(this);
	const found = await client.getEndpoint(endpoint);
	const split = found.trafficSplit ?? {};
	return {
		results: (found.deployedModels ?? [])
			.filter((deployed) => matches(filter, deployed.displayName, deployed.id))
			.map((deployed) => ({
				name: `${deployed.displayName ?? deployed.id} (${deployed.id}, ${split[deployed.id ?? ''] ?? 0}% traffic)`,
				value: deployed.id ?? '',
			})),
	};
}

/** Signs in for real and makes the cheapest call there is: list one model of the project and location. */
export async function googleVertexAiCredentialTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const client = checkedClient(credential.data ?? {});
		await client.listModels({ pageSize: 1 });
		return {
			status: 'OK',
			message: `Connected to Vertex AI in ${client.location} for project ${client.projectId}`,
		};
	} catch (error) {
		return { status: 'Error', message: credentialProblem(error) ?? (error instanceof Error ? error.message : String(error)) };
	}
}

export const sharedMethods = {
	listSearch: { searchEndpoints, searchModels, searchDeployedModels },
	credentialTest: { googleVertexAiCredentialTest },
};
