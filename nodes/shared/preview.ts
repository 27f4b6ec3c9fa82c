/**
 * The explicit choice of Vertex AI's Preview API (v1beta1), one definition for every node where a preview-only field
 * can be set (Deploy Model's named ones; preview fields given in Additional Fields (JSON) of Upload Model, Create
 * Dedicated Endpoint and Manage's pool create). Off, the core refuses a preview field, naming this choice: the API
 * version is never switched silently.
 */
import type { INodeProperties } from 'n8n-workflow';

import type { ApiVersion } from '../../lib';
import type { ParameterReader } from './read';

export const USE_PREVIEW_API_LABEL = 'Use Preview API (v1beta1)';

/** The parameter; `needs` says what of this node only the preview API takes. */
export function usePreviewApiProperty(needs: string): INodeProperties {
	return {
		displayName: USE_PREVIEW_API_LABEL,
		name: 'usePreviewApi',
		type: 'boolean',
		default: false,
		description: `Whether to call Vertex AI's v1beta1 (Preview) API, which ${needs} need. Preview features may change and come with limited support. Off: the v1 API, and a preview setting is an error.`,
	};
}

/** The API version the switch at `path` chooses. */
export function apiVersionOf(read: ParameterReader, itemIndex: number, path: string): ApiVersion {
	return read.boolean(itemIndex, path) ? 'v1beta1' : 'v1';
}
