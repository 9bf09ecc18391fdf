/** @packageDocumentation .dockerignore and --exclude pattern matching, like moby patternmatcher. */
export {};
