/** @packageDocumentation One solver op per llb op type: exec, file, source, merge. */
export {};
