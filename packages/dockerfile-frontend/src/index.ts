/** @packageDocumentation Typed Dockerfile instructions, stages and conversion to a build graph. */
export {};
