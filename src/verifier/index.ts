// The verifier's public surface: verify(), its options and result, the error, and the contexts.
export { verify, type VerifyOptions, type VerifierResult, type VerifierStats } from './verifier.js';
export { VerifierError, type VerifierErrorDetails } from './errors.js';
export { memoryContext, type ContextSpec, type ContextField, type ContextFieldKind } from './context.js';
export type { ProvenRegion } from './proven.js';
