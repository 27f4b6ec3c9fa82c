import type { StreamFormat } from './types';

const NDJSON_MEDIA_TYPES = new Set([
	'application/x-ndjson',
	'application/ndjson',
	'application/jsonl',
	'application/x-jsonl',
	'application/jsonlines',
	'application/x-jsonlines',
	'application/stream+json',
]);

/** Text types outside text/* that are not JSON. */
const OTHER_TEXT_MEDIA_TYPES = new Set([
	'application/xml',
	'application/javascript',
	'application/x-www-form-urlencoded',
	'application/yaml',
]);

/**
 * The decoding a Content-Type asks for. No header, or one we do not know, is treated as bytes (what HTTP says an
 * untyped body is); `lines` is never detected, only chosen by a caller. Charset parameters are ignored: every text
 * format is decoded as UTF-8.
 */
export function detectStreamFormat(contentType: string | undefined): StreamFormat {
	const mediaType = (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
	if (mediaType === 'text/event-stream') return 'sse';
	if (NDJSON_MEDIA_TYPES.has(mediaType)) return 'ndjson';
	if (mediaType === 'application/json' || mediaType.endsWith('+json')) return 'json';
	if (mediaType.startsWith('text/') || OTHER_TEXT_MEDIA_TYPES.has(mediaType) || mediaType.endsWith('+xml')) {
		return 'text';
	}
	return 'binary';
}
