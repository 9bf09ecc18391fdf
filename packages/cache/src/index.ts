/** @packageDocumentation Refs over snapshots, lazy layer blobs, cache records, file fingerprints, usage and prune. */
export {};
