import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { GoogleVertexAiApi } from '../../credentials/GoogleVertexAiApi.credentials';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator';
import { clearVertexClientCache } from '../../lib';
import { VertexAiCreateDedicatedEndpoint } from '../../nodes/VertexAiCreateDedicatedEndpoint/VertexAiCreateDedicatedEndpoint.node';
import { VertexAiDeployModel } from '../../nodes/VertexAiDeployModel/VertexAiDeployModel.node';
import { VertexAiInvoke } from '../../nodes/VertexAiInvoke/VertexAiInvoke.node';
import { VertexAiUploadModel } from '../../nodes/VertexAiUploadModel/VertexAiUploadModel.node';
import { readFileSync } from 'node:fs';

/** Node types under the names a community install gives them. */
export const PACKAGE = 'n8n-nodes-vertex-invoke';
export const nodeTypes = {
	[`${PACKAGE}.vertexAiUploadModel`]: VertexAiUploadModel,
	[`${PACKAGE}.vertexAiCreateDedicatedEndpoint`]: VertexAiCreateDedicatedEndpoint,
	[`${PACKAGE}.vertexAiDeployModel`]: VertexAiDeployModel,
	[`${PACKAGE}.vertexAiInvoke`]: VertexAiInvoke,
};
export const credentialTypes = [GoogleVertexAiApi];

/** Starts an emulator with fast operations, and the credential data a user would enter for it. */
export async function emulatorWithCredential(options: EmulatorOptions = {}) {
	const emulator: RunningEmulator = await startEmulator({ operationStepMs: 20, ...options });
	const credential: ICredentialDataDecryptedObject = {
		authentication: 'serviceAccountJson',
		serviceAccountJson: readFileSync(emulator.serviceAccountKeyFile, 'utf8'),
		location: emulator.location,
		apiBaseUrl: emulator.baseUrl,
		tokenUrl: emulator.tokenUrl,
	};
	return {
		emulator,
		credential,
		credentials: { googleVertexAiApi: credential },
		async close() {
			clearVertexClientCache();
			await emulator.close();
		},
	};
}

export const locator = (value: string) => ({ __rl: true, mode: 'id', value });
