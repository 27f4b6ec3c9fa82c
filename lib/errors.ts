/**
 * Errors the core throws. Messages are written for the person running the workflow. Every constructor scrubs
 * what it is given (lib/secrets.ts): a token, assertion or key a server reflected back never reaches a message,
 * a field violation or the details.
 */
import { scrubDeep, scrubSecrets } from './secrets';

export interface FieldViolation {
	field: string;
	description: string;
}

/** A setting the core suggests: set the input field `field` to `value` (e.g. `ifExists` to `use`). */
export interface SuggestedSetting {
	field: string;
	value: string;
}

/**
 * A message as data: text, the core input fields it names (`{ field }`) and the setting it suggests
 * (`{ setting }`), so a caller (a node) can say them in its own words without rewriting the text.
 */
export type MessagePart = string | FieldMention | { setting: SuggestedSetting };

/** An input field named in a message: its path, and the words the core's text uses for it when not the path. */
export interface FieldMention {
	field: string;
	/** e.g. `acceleratorCount` for the field `deployedModel.dedicatedResources.machineSpec.acceleratorCount`. */
	as?: string;
}

/** How message parts name fields and settings; the core's own words are `coreWords`. */
export interface MessageWords {
	field(mention: FieldMention): string;
	setting(setting: SuggestedSetting): string;
}

/** The core's own words: a field by its input name (`modelId`), a setting as `(ifExists: 'use')`. */
export const coreWords: MessageWords = {
	field: ({ field, as }) => as ?? field,
	setting: ({ field, value }) => `(${field}: '${value}')`,
};

/** A field named in a message (see MessagePart). */
export function fieldRef(field: string, as?: string): MessagePart {
	return as === undefined ? { field } : { field, as };
}

/** A suggested setting in a message (see MessagePart). */
export function settingRef(field: string, value: string): MessagePart {
	return { setting: { field, value } };
}

/**
 * Message parts from a template: `` messageParts`${fieldRef('projectId')} ${quoted} is not valid.` `` keeps the field as
 * data and every other value as text.
 */
export function messageParts(strings: TemplateStringsArray, ...values: Array<MessagePart | number>): MessagePart[] {
	const result: MessagePart[] = [];
	strings.forEach((text, index) => {
		if (text) result.push(text);
		if (index < values.length) {
			const value = values[index];
			result.push(typeof value === 'number' ? String(value) : value);
		}
	});
	return result;
}

/** The parts as one text, naming fields and settings with `words` (default: the core's own). */
export function renderMessage(message: readonly MessagePart[], words: MessageWords = coreWords): string {
	return message
		.map((part) => (typeof part === 'string' ? part : 'field' in part ? words.field(part) : words.setting(part.setting)))
		.join('');
}

function scrubbedParts(message: readonly MessagePart[]): MessagePart[] {
	return message.map((part) => {
		if (typeof part === 'string') return scrubSecrets(part);
		if ('field' in part) return part.as === undefined ? { field: scrubSecrets(part.field) } : { field: scrubSecrets(part.field), as: scrubSecrets(part.as) };
		return { setting: scrubbedSetting(part.setting) };
	});
}

function scrubbedSetting(setting: SuggestedSetting): SuggestedSetting {
	return { field: scrubSecrets(setting.field), value: scrubSecrets(setting.value) };
}

/** The suggested setting among `message`'s parts, if any. */
function settingIn(message: readonly MessagePart[]): SuggestedSetting | undefined {
	for (const part of message) if (typeof part !== 'string' && 'setting' in part) return part.setting;
	return undefined;
}

/**
 * `summary (context)`: the human reason and what to do come first; what was being done (HTTP status, method and
 * URL, operation name) follows in parentheses. Callers that show the two apart read `summary` and `context`.
 */
function withContext(summary: string, context: string | undefined): string {
	return context ? `${summary} (${context})` : summary;
}

/** A failed API call, from Google's error envelope or from a model server's own answer. */
export class VertexApiError extends Error {
	readonly name = 'VertexApiError';
	/** gRPC status name, e.g. NOT_FOUND, when the answer carried one. */
	readonly status: string | undefined;
	readonly fieldViolations: FieldViolation[];
	/** The raw `details` array, or the raw body text when the answer was not Google's envelope (scrubbed). */
	readonly details: unknown;
	/** The reason and what to do, without the context: the message's first part. */
	readonly summary: string;
	/** What was being done, e.g. `HTTP 404 NOT_FOUND, GET https://host/v1/projects/p/...` (scrubbed); the message ends with it. */
	readonly context: string | undefined;
	/** The summary as data (see MessagePart): the input fields it names and the setting it suggests. */
	readonly summaryParts: readonly MessagePart[];
	/** The `reason` of the answer's google.rpc.ErrorInfo detail (e.g. SERVICE_DISABLED, IAM_PERMISSION_DENIED), when it had one. */
	readonly reason: string | undefined;
	/** A setting the core suggests to get past this error (e.g. `ifExists: 'use'` for an id that is taken). */
	readonly suggestion: SuggestedSetting | undefined;

	constructor(
		/** The reason and what to do (the message is this, then the context in parentheses); parts keep named fields as data. */
		summary: string | readonly MessagePart[],
		readonly httpStatus: number,
		status: string | undefined,
		fieldViolations: FieldViolation[] = [],
		details: unknown = undefined,
		/** The answer's Retry-After, in milliseconds, when it had a readable one. */
		readonly retryAfterMs: number | undefined = undefined,
		context: string | undefined = undefined,
		/** The ErrorInfo reason, when not read from `details` (see errorInfoReason). */
		reason: string | undefined = undefined,
	) {
		const summaryParts = scrubbedParts(typeof summary === 'string' ? [summary] : summary);
		const scrubbedSummary = renderMessage(summaryParts);
		const scrubbedContext = context === undefined ? undefined : scrubSecrets(context);
		super(withContext(scrubbedSummary, scrubbedContext));
		this.summary = scrubbedSummary;
		this.summaryParts = summaryParts;
		this.suggestion = settingIn(summaryParts);
		this.context = scrubbedContext;
		this.status = status === undefined ? undefined : scrubSecrets(status);
		this.fieldViolations = fieldViolations.map(({ field, description }) => ({
			field: scrubSecrets(field),
			description: scrubSecrets(description),
		}));
		this.details = scrubDeep(details);
		const infoReason = reason ?? errorInfoReason(this.details);
		this.reason = infoReason === undefined ? undefined : scrubSecrets(infoReason);
	}
}

const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';

/** The `reason` of the first google.rpc.ErrorInfo in Google's error `details`. */
export function errorInfoReason(details: unknown): string | undefined {
	if (!Array.isArray(details)) return undefined;
	for (const detail of details as unknown[]) {
		if (!detail || typeof detail !== 'object') continue;
		const { '@type': type, reason } = detail as { '@type'?: unknown; reason?: unknown };
		if (type === ERROR_INFO_TYPE && typeof reason === 'string') return reason;
	}
	return undefined;
}

/** Whether an API call failed because the resource it would create is already there (409 ALREADY_EXISTS). */
export function isAlreadyExists(error: unknown): error is VertexApiError {
	return error instanceof VertexApiError && (error.httpStatus === 409 || error.status === 'ALREADY_EXISTS');
}

/** What a validation error says as data, beyond its message and field. */
export interface ValidationRule {
	/** What is allowed, as a sentence fragment without the value given (e.g. `6-30 of a-z, 0-9 and "-", starting with a letter`). */
	rule?: string;
	/** Set when the refusal came after reads (e.g. the model was listed to see where it is deployed): nothing was changed. */
	readsSent?: true;
	/** Set when a step of a longer task was refused after earlier steps had changed something (see changesSent). */
	changesSent?: true;
}

/**
 * Bad input, refused before this step changed anything. Usually before any request at all; `readsSent` is true
 * when it was refused only after reading (a model found still deployed, a deployed model not on the endpoint), so
 * a caller must not say nothing was sent: whatWasSent gives the true sentence. `changesSent` marks the exception, a
 * later step of a task (the next of several undeploys) refused after earlier steps changed something. `field`
 * names the input field at fault; `parts` is the message as data (the fields it names, the setting it suggests:
 * see MessagePart), `rule` what is allowed, `suggestion` the setting the core suggests. `message` is the parts in
 * the core's own words.
 */
export class VertexValidationError extends Error {
	readonly name = 'VertexValidationError';
	readonly field: string;
	readonly parts: readonly MessagePart[];
	readonly rule: string | undefined;
	readonly suggestion: SuggestedSetting | undefined;
	/** true: refused after reads were sent (nothing was changed, unless changesSent); false: refused before any request. */
	readonly readsSent: boolean;
	/** true: earlier steps of the same task had already changed something when this step was refused. */
	readonly changesSent: boolean;
	constructor(message: string | readonly MessagePart[], field: string, details: ValidationRule = {}) {
		const scrubbed = scrubbedParts(typeof message === 'string' ? [message] : message);
		super(renderMessage(scrubbed));
		this.parts = scrubbed;
		this.field = scrubSecrets(field);
		this.rule = details.rule === undefined ? undefined : scrubSecrets(details.rule);
		this.suggestion = settingIn(scrubbed);
		this.changesSent = details.changesSent === true;
		this.readsSent = details.readsSent === true || this.changesSent;
	}

	/** This refusal as a later step of a task whose earlier steps changed something. */
	afterChanges(): VertexValidationError {
		return new VertexValidationError(this.parts, this.field, { rule: this.rule, changesSent: true });
	}
}

/** The sentence that follows a refusal's message, saying truthfully what reached Google before it. */
export function whatWasSent(error: VertexValidationError): string {
	if (error.changesSent) return 'Earlier steps had already changed something: check the resource before trying again.';
	return error.readsSent ? 'Only reads were sent; nothing was changed.' : 'Nothing was sent.';
}

/** A long-running operation that finished with an error, timed out, or was cancelled. */
export class VertexOperationError extends Error {
	readonly name = 'VertexOperationError';
	/** Always set, so a caller can resume or inspect the operation later. */
	readonly operationName: string;
	/** The reason and what to do, without the context: the message's first part. */
	readonly summary: string;
	/** What the wait was about, e.g. `operation projects/p/.../operations/1`; the message ends with it. */
	readonly context: string | undefined;
	constructor(
		summary: string,
		operationName: string,
		readonly reason: 'failed' | 'timeout' | 'aborted',
		/** gRPC code of the operation's error, when it failed. */
		readonly code?: number,
		context?: string,
	) {
		const scrubbedSummary = scrubSecrets(summary);
		const scrubbedContext = context === undefined ? undefined : scrubSecrets(context);
		super(withContext(scrubbedSummary, scrubbedContext));
		this.summary = scrubbedSummary;
		this.context = scrubbedContext;
		this.operationName = scrubSecrets(operationName);
	}
}

/** Network-level failure: connection refused or reset, timeouts, a stream cut mid-way. */
export class VertexTransportError extends Error {
	readonly name = 'VertexTransportError';
	/** The reason and what to do, without the context: the message's first part. */
	readonly summary: string;
	/** What was being done, e.g. `POST https://host/v1/...` (scrubbed); the message ends with it. */
	readonly context: string | undefined;
	constructor(
		summary: string,
		readonly code: string | undefined,
		options?: { cause?: unknown; context?: string },
	) {
		const scrubbedSummary = scrubSecrets(summary);
		const scrubbedContext = options?.context === undefined ? undefined : scrubSecrets(options.context);
		super(withContext(scrubbedSummary, scrubbedContext), options?.cause === undefined ? undefined : { cause: options.cause });
		this.summary = scrubbedSummary;
		this.context = scrubbedContext;
	}
}
