/** Types for scripts/scale-workflows.js (plain Node, required from TypeScript tests). */
import type { ExampleWorkflow } from '../examples';

export declare function sampleChatReply(prompt: string): string;
export declare function batchWorkflow(endpointId: string): ExampleWorkflow;
export declare function liveStreamWorkflow(endpointId: string): ExampleWorkflow;
export declare function slowChatWorkflow(endpointId: string): ExampleWorkflow;
