/**
 * What n8n's LangChain tracing logged for a chat model sub-node (the agent's log of its model calls): each call's
 * `ai_languageModel` output item is `{response: {generations: [[{text, generationInfo}]]}, tokenUsage...}`.
 */

export interface LoggedGeneration {
	text: string;
	generationInfo?: Record<string, unknown>;
}

/** Runs by node name: n8n's `IRunData`, or the run data `n8n execute` prints. Only the runs' `data` is read. */
export type RunsByNode = Record<string, Array<{ data?: object }> | undefined>;

type Connections = Record<string, Array<Array<{ json: Record<string, unknown> }> | null> | undefined>;

/** Every generation logged on `nodeName`'s runs, in call order. */
export function loggedGenerations(runData: RunsByNode, nodeName: string): LoggedGeneration[] {
	return (runData[nodeName] ?? []).flatMap((run) =>
		((run.data as Connections | undefined)?.ai_languageModel ?? []).flatMap((items) =>
			(items ?? []).flatMap((item) => ((item.json.response as { generations?: LoggedGeneration[][] } | undefined)?.generations ?? []).flat()),
		),
	);
}
