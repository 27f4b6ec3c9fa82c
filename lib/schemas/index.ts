export * from './common';
export * from './endpoint';
export * from './model';
export * from './operation';
export { fieldPath, parseInput, parseResponse } from './validate';
export * from './deploymentResourcePool';
export * from './endpointUpdate';
export * from './modelUpdate';
