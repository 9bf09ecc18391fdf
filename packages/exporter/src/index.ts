/** @packageDocumentation Exporters: image store, OCI layout and tar, docker archive, local dir, tar, registry push. */
export {};
