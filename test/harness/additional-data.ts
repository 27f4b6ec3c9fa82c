import { randomUUID } from 'node:crypto';
import { ExternalSecretsProxy, type ExecutionLifecycleHooks } from 'n8n-core';
import { UnexpectedError, type IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import type { TestCredentialsHelper } from './credentials';

/**
 * What n8n's getBase() gives the engine (URLs, credentials helper, hooks ...), with the services a
 * test cannot have (database, task runner, sub-workflows) failing loudly instead.
 */
export function createAdditionalData(
	hooks: ExecutionLifecycleHooks | undefined,
	credentialsHelper: TestCredentialsHelper,
	extra: Partial<IWorkflowExecuteAdditionalData> = {},
): IWorkflowExecuteAdditionalData {
	const base = 'http://127.0.0.1:5678/';
	return {
		hooks,
		credentialsHelper,
		externalSecretsProxy: new ExternalSecretsProxy(),
		currentNodeExecutionIndex: 0,
		executionId: randomUUID(),
		userId: 'test-user',
		variables: {},
		restApiUrl: `${base}rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}form`,
		formWaitingBaseUrl: `${base}form-waiting`,
		formTestBaseUrl: `${base}form-test`,
		webhookBaseUrl: `${base}webhook`,
		webhookWaitingBaseUrl: `${base}webhook-waiting`,
		webhookTestBaseUrl: `${base}webhook-test`,
		mcpBaseUrl: `${base}mcp`,
		mcpTestBaseUrl: `${base}mcp-test`,
		logAiEvent: () => {},
		getRuntimeCredential: async () => undefined,
		getRunExecutionData: async () => undefined,
		executeWorkflow: async () => {
			throw new UnexpectedError('Sub-workflows are not available in the in-process harness');
		},
		startRunnerTask: async () => {
			// Code nodes run in n8n's task runner: cover them with a real n8n (scripts/n8n-run/).
			throw new UnexpectedError('The task runner (Code node) is not available in the in-process harness');
		},
		...extra,
	};
}
