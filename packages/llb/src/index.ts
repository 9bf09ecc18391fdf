/**
 * @packageDocumentation
 * The build graph: the contract between the Dockerfile frontend, which emits
 * it, and the solver and worker, which run it. BuildKit's LLB in TypeScript:
 * vertices made of an op (source, exec, file, merge), its inputs and its
 * platform, identified by the sha256 of their canonical encoding, so equal
 * work has one digest; plus metadata (progress names, cache hints, stable
 * ids) and source locations, which do not change the digest.
 */
export type { SourceOp } from './source-op.js';
export { SourceAttr } from './source-op.js';
export type { ExecOp, ExecMeta, ExecMount, ProxyEnv, ExecNetwork, ExecSecurity, CacheSharing, SecretEnv } from './exec-op.js';
export type { FileOp, FileAction, FileCopy, FileMkdir, FileMkfile, FileRm, FileSymlink, FileOwner, FileOwnerId, MergeOp } from './file-op.js';
export type { Op, Vertex, VertexInput, VertexMetadata, SourceLocation, DefinitionVertex, Definition } from './vertex.js';
export { proxyEnvironment } from './proxy-env.js';
export { digestVertex, digestOf } from './digest-vertex.js';
export { GraphBuilder, type AddVertexOptions, type VertexHandle } from './graph-builder.js';
export { validateDefinition, outputCount } from './validate-definition.js';
export { canonicalJson } from './canonical-json.js';
export { sha256Hex, utf8 } from './sha256.js';
