/** Types for scripts/n8n-install.js (plain Node, required from TypeScript tests). */
export declare function n8nVersion(): string;
export declare function installDir(version?: string): string;
export declare function n8nBin(dir?: string): string;
export declare function nodeEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function isInstalled(dir?: string, version?: string): boolean;
export declare function ensureN8n(options?: { version?: string; dir?: string }): Promise<string>;
