/** @packageDocumentation Image archives: OCI image layouts and docker archives, read and write. */
export {};
