/** @packageDocumentation OCI and Docker image model: digests, descriptors, manifests, configs, platforms, references. */
export {};
