/** @packageDocumentation Dockerfile text to AST with exact source ranges, directives and heredocs. */
export {};
