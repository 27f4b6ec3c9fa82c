/** Types for examples/index.js. */
export type ExampleKey = 'deployPipeline' | 'scheduledBatch' | 'chainToService' | 'chatStreaming' | 'deployWithoutHoldingAWorker' | 'agentWithYourOwnModel' | 'privateReservedGpu'
	| 'agentReasoningStreaming' | 'agentParallelToolCalls' | 'fallbackAndModelSelector' | 'structuredOutput' | 'vectorStoreRetrieval'
	| 'basicLlmChain' | 'informationExtractor' | 'textClassifier' | 'sentimentAnalysis' | 'questionAnswerRetrieval';
export type Placeholder = 'endpointId' | 'primaryEndpointId' | 'largeEndpointId' | 'serviceUrl' | 'imageUri' | 'privateAddress';

export interface ExampleNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, any>;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
}

export interface ExampleWorkflow {
	id: string;
	name: string;
	nodes: ExampleNode[];
	connections: Record<string, unknown>;
	settings: Record<string, unknown>;
	[key: string]: unknown;
}

export declare const CREDENTIAL: { id: string; name: string; type: 'googleVertexAiApi' };
export declare function loadExample(key: ExampleKey, fill?: Partial<Record<Placeholder, string>>): ExampleWorkflow;
export declare function nodeNamed(workflow: ExampleWorkflow, name: string): ExampleNode;
