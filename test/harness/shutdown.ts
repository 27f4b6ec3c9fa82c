import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

/**
 * Ends what n8n-core leaves behind after a run: the SSH clients manager's cleanup timer and its
 * process-exit listener (created by the first context that offers SSH tunnel helpers). Safe to call
 * repeatedly and when nothing was created; runWorkflow and the node-method helpers call it.
 */
export function shutdownEngine(): void {
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
}
