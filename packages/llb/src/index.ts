/** @packageDocumentation The build-graph contract: op types, canonical encoding and digests, source maps. */
export {};
