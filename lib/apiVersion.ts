/**
 * The control plane's API versions: v1 (stable) and v1beta1 (Preview, for fields such as scale to zero). Every
 * control-plane call is made in the version its caller chose, never switched silently, and an operation is
 * waited for in the version that started it.
 */
import { fieldRef, messageParts, VertexValidationError } from './errors';
import { quoteForMessage } from './secrets';

export const API_VERSIONS = ['v1', 'v1beta1'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const DEFAULT_API_VERSION: ApiVersion = 'v1';

/** The version asked for ('v1' when not given); anything else is refused naming `field`. */
export function checkedApiVersion(value: unknown, field = 'apiVersion'): ApiVersion {
	if (value === undefined) return DEFAULT_API_VERSION;
	if (!API_VERSIONS.includes(value as ApiVersion)) {
		throw new VertexValidationError(
			messageParts`${fieldRef(field)} ${quoteForMessage(value)} is not an API version: use ${API_VERSIONS.join(' or ')}.`,
			field,
			{ rule: `one of ${API_VERSIONS.join(', ')}` },
		);
	}
	return value as ApiVersion;
}
