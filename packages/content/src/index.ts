/** @packageDocumentation Content store: sha256-addressed blobs, atomic ingest, metadata database. */
export {};
