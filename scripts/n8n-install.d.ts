/** Types for scripts/n8n-install.js (plain Node, required from TypeScript tests). */
export declare function n8nVersion(): string;
export declare function installDir(version?: string): string;
export declare function n8nBin(dir?: string): string;
export declare function nodeEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function isInstalled(dir?: string, version?: string): boolean;
export declare function ensureN8n(options?: { version?: string; dir?: string }): Promise<string>;
/** The n8n release the real-n8n suites use when N8N_VERSION is not set (the oldest supported). */
export declare const DEFAULT_N8N_VERSION: string;
/** The n8n releases `npm test` runs the real-n8n suites on, oldest first. */
export declare const SUPPORTED_N8N_VERSIONS: readonly string[];
/** The npm `overrides` written into the install folder of the given n8n release (common ones plus that release's own). */
export declare function installOverrides(version: string): Record<string, string>;
