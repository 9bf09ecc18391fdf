/** @packageDocumentation OCI distribution API client: resolve, fetch, push, auth. */
export {};
