/** @packageDocumentation Runs a process in an OCI runtime container (runc/crun). */
export {};
