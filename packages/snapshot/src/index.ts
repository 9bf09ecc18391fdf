/** @packageDocumentation Snapshotter interface with overlayfs and copy implementations. */
export {};
