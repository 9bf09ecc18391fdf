/** @packageDocumentation Composition root and public library API: parse, lint, build. */
export {};
