/** @packageDocumentation The kiln command. */
export {};
