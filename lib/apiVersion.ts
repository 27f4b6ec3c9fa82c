/**
 * The control plane's API versions: v1 (stable) and v1beta1 (Preview, for fields such as scale to zero). Every
 * control-plane call is made in the version its caller chose, never switched silently, and an operation is
 * waited for in the version that started it.
 */
export const API_VERSIONS = ['v1', 'v1beta1'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const DEFAULT_API_VERSION: ApiVersion = 'v1';

