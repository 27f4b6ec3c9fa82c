/** The framework-free Vertex AI client: everything public, for the n8n nodes and any Node program. */
export * from './errors';
export * from './http';
export * from './hosts';
export * from './auth';
export * from './transport';
export * from './schemas';
export * from './operations';
export * from './resources';
export * from './client';
export * from './invoke';
export * from './stream';
