import type { IDataObject } from 'n8n-workflow';

import { deploySummary, type DeployNames, type DeployOutcome } from '../../lib';

/** A deploy's outcome as the node outputs it (the core's deploySummary: its ids first, then the rest). */
export function deployOutput(outcome: DeployOutcome, names: DeployNames): { ids: IDataObject; rest: IDataObject } {
	return deploySummary(outcome, names) as { ids: IDataObject; rest: IDataObject };
}
