/**
 * n8n's chain nodes served by our Chat Model (and Embeddings) in a real n8n (2.40.7, or N8N_VERSION=2.41.3) with this
 * package installed as a community package, one example each (examples 13 to 17), against the emulator's sample
 * model server (its deterministic rules for LangChain's format instructions and retrieval prompts:
 * emulator/README.md). One n8n user folder and one emulator for the file, each example run with `n8n execute`; the
 * emulator keeps what every request sent the model server, so a test sees the prompt each chain built.
 * - 13: Basic LLM Chain, a plain answer, and with an output parser the parsed object.
 * - 14: Information Extractor: the attributes' values read out of each text.
 * - 15: Text Classifier: each message routed to its category's output.
 * - 16: Sentiment Analysis: each review routed to its sentiment's output.
 * - 17: Question and Answer Chain with a Vector Store Retriever over the Simple Vector Store fed by our Embeddings.
 * Only with N8N_E2E=1, after npm run build.
 */
import { loadExample } from '../../examples';
import { ensureN8n } from '../../scripts/n8n-install';
import type { ExecuteResult } from '../../scripts/n8n-run/instance';
import { startEmulatorProcess, type EmulatorProcess } from '../../scripts/n8n-run/emulator';
import {
	chatCompletions,
	deploySampleServer,
	describeE2e,
	executeNoting,
	prepareN8n,
	requireFreshBuild,
	sampleChatReply,
	succeeded,
	type ForwardedRequest,
	type PreparedN8n,
} from './support';

/** The sample server answers both the chat and the embeddings of every example. */
const ENDPOINT = { endpointId: 'chains-endpoint', modelId: 'chains-model', args: ['--model-name=chain-brain'] };
/** The start of LangChain's StructuredOutputParser instructions, which the chains put in the prompt. */
const FORMAT_INSTRUCTIONS = 'You must format your output as a JSON value that adheres to a given "JSON Schema" instance.';

interface SentMessage {
	role: string;
	content: string;
}

/** The chat-completions bodies the model server got, parsed. */
function chatBodies(requests: ForwardedRequest[]): Array<{ messages: SentMessage[]; tools?: unknown; response_format?: unknown }> {
	return chatCompletions(requests).map((request) => {
		if (request.body === undefined) throw new Error('the emulator kept no request body: start it with logRequestBodies');
		return JSON.parse(request.body) as { messages: SentMessage[] };
	});
}

/** The `json` of each item a node sent out of one output. */
const jsonOf = (run: ExecuteResult, node: string, output = 0) => run.nodeOutput(node, output).map((item) => item.json);

describeE2e("n8n's chain nodes on your own model", () => {
	let emulator: EmulatorProcess;
	let n8n: PreparedN8n;
	const runs: Record<string, { run: ExecuteResult; requests: ForwardedRequest[] }> = {};

	beforeAll(async () => {
		const started = Date.now();
		requireFreshBuild();
		await ensureN8n();
		emulator = await startEmulatorProcess({ operationStepMs: 20, logRequestBodies: true });
		await deploySampleServer(emulator, ENDPOINT);
		n8n = await prepareN8n(emulator);
		const fill = { endpointId: ENDPOINT.endpointId };
		runs.llmChain = await executeNoting(n8n, emulator, loadExample('basicLlmChain', fill));
		runs.extractor = await executeNoting(n8n, emulator, loadExample('informationExtractor', fill));
		runs.classifier = await executeNoting(n8n, emulator, loadExample('textClassifier', fill));
		runs.sentiment = await executeNoting(n8n, emulator, loadExample('sentimentAnalysis', fill));
		runs.questionAnswer = await executeNoting(n8n, emulator, loadExample('questionAnswerRetrieval', fill));
		process.stdout.write(`[ai-chains] set-up and ${Object.keys(runs).length} CLI runs in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
	}, 900_000);

	afterAll(async () => {
		await emulator?.stop();
		n8n?.remove();
	}, 60_000);

	it('example 13: the Basic LLM Chain outputs the answer to its prompt; with the Structured Output Parser, the parsed object', () => {
		const { run, requests } = runs.llmChain;
		expect(jsonOf(succeeded(run), 'Answer')).toEqual([{ text: sampleChatReply('What is the capital of France?') }]);
		expect(jsonOf(run, 'Structured Answer')).toEqual([{ output: { city: 'Paris', population: 2100000 } }]);
		// Two model calls, neither with tools nor response_format: the parser's instructions follow the prompt in the user message.
		const bodies = chatBodies(requests);
		expect(bodies).toHaveLength(2);
		expect(bodies.map((body) => [body.tools, body.response_format])).toEqual([[undefined, undefined], [undefined, undefined]]);
		const structured = bodies.find((body) => body.messages.at(-1)!.content.includes(FORMAT_INSTRUCTIONS))!;
		expect(structured.messages).toHaveLength(1);
		expect(structured.messages[0].content.startsWith('City: Paris. Population: 2100000.\n')).toBe(true);
	});

	it('example 14: the Information Extractor outputs the attributes read out of each text, numbers as numbers', () => {
		const { run, requests } = runs.extractor;
		expect(jsonOf(succeeded(run), 'Information Extractor')).toEqual([
			{ output: { name: 'Ada Lovelace', age: 36, city: 'London' } },
			{ output: { name: 'Grace Hopper', age: 85, city: 'New York' } },
		]);
		// One call a text: the schema in the system message, the text alone as the user's.
		const bodies = chatBodies(requests);
		expect(bodies).toHaveLength(2);
		for (const body of bodies) {
			expect(body.messages.map((message) => message.role)).toEqual(['system', 'user']);
			expect(body.messages[0].content).toContain(FORMAT_INSTRUCTIONS);
		}
	});

	it('example 15: the Text Classifier routes each message to the output of its category', () => {
		const { run } = runs.classifier;
		succeeded(run);
		expect(jsonOf(run, 'Billing Team')).toEqual([{ text: 'Why does my billing statement show two charges?' }]);
		expect(jsonOf(run, 'Support Team')).toEqual([{ text: 'A technical problem: the app crashes when I log in.' }]);
	});

	it('example 16: Sentiment Analysis routes each review to the output of its sentiment, with the detailed results', () => {
		const { run } = runs.sentiment;
		succeeded(run);
		expect(jsonOf(run, 'Positive')).toEqual([{ text: 'A positive surprise: the parcel came a day early.', sentimentAnalysis: { category: 'Positive', strength: 0, confidence: 0 } }]);
		expect(jsonOf(run, 'Neutral')).toEqual([]);
		expect(jsonOf(run, 'Negative')).toEqual([{ text: 'Negative experience: the parcel came broken.', sentimentAnalysis: { category: 'Negative', strength: 0, confidence: 0 } }]);
	});

	it('example 17: the retriever hands the model the document our Embeddings found, and the chain answers from it', () => {
		const { run, requests } = runs.questionAnswer;
		const eiffel = 'The Eiffel Tower stands in Paris, on the Champ de Mars.';
		expect(jsonOf(succeeded(run), 'Question and Answer Chain')).toEqual([{ response: `From the context: ${eiffel}` }]);
		expect(run.nodeOutput('Insert Documents')).toHaveLength(3);
		// Three documents embedded, then the question; one chat call whose system message holds the one retrieved document.
		expect(requests.filter((request) => request.path === '/v1/embeddings').length).toBeGreaterThanOrEqual(2);
		const [chat, ...more] = chatBodies(requests);
		expect(more).toEqual([]);
		const system = chat.messages.find((message) => message.role === 'system')!.content;
		expect(system).toContain(`Context: ${eiffel}`);
		expect(system).not.toContain('Photosynthesis');
		expect(system).not.toContain('Vertex AI invoke streams');
		expect(chat.messages.at(-1)).toEqual({ role: 'user', content: 'Where does the Eiffel Tower stand?' });
	});
});
