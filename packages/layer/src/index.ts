/** @packageDocumentation Filesystem changes to and from layer tars: diff, apply, whiteouts, compression. */
export {};
