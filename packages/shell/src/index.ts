/** @packageDocumentation BuildKit's shell word processing: quotes, escapes, ${...} expansion. */
export {};
