/** @packageDocumentation Sources: docker images (store, registry, layouts), the local context, http. */
export {};
