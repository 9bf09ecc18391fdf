/**
 * @packageDocumentation
 * The `kiln` command: arguments, progress display, error rendering and exit
 * codes. The only package that wires the others, through `@kiln/builder`.
 */
export { main, kilnVersion } from './main.js';
export { renderError, renderLocated, type ErrorSource } from './render-error.js';
export { sourceSnippet } from './source-snippet.js';
