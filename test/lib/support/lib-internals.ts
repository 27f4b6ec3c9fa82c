/** Everything under lib/, for tests of its internal parts (lib/index.ts exports only the public API). */
export * from '../../../lib/errors';
export * from '../../../lib/secrets';
export * from '../../../lib/http';
export * from '../../../lib/hosts';
export * from '../../../lib/auth';
export * from '../../../lib/transport';
export * from '../../../lib/schemas';
export * from '../../../lib/operations';
export * from '../../../lib/operationTypes';
export * from '../../../lib/resources';
export * from '../../../lib/client';
export * from '../../../lib/invoke';
export * from '../../../lib/stream';
