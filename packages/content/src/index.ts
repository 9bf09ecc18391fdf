/**
 * @packageDocumentation
 * The content store of a kiln root: digest-addressed blobs under
 * `KILN_ROOT/content/blobs/<algorithm>/<hex>`, written atomically through
 * verifying writers; and the content metadata (image names, leases, gc roots)
 * in the root's one SQLite database, with garbage collection by reference.
 */
export { defaultKilnRoot, kilnRootLayout } from './kiln-root.js';
export { type Digester, createDigester, digestBytes } from './digester.js';
export { type ContentWriter, type CommittedContent } from './content-writer.js';
export { type ContentStore, type ContentInfo, type ExpectedContent } from './content-store.js';
export { LocalContentStore, defaultReadBytesLimit } from './local-content-store.js';
export { removeStaleIngests } from './stale-ingests.js';
export { openMetadataDatabase, writeTransaction } from './metadata-database.js';
export { ensureContentSchema } from './content-schema.js';
export { ImageStore, type ImageRecord } from './image-store.js';
export { Leases, type Lease, type CreateLeaseOptions, defaultLeaseTtlMs } from './leases.js';
export { GcRoots } from './gc-roots.js';
export { type ContentRef, contentChildren } from './content-references.js';
export { garbageCollect, type GarbageCollectOptions, type GarbageCollectResult, defaultGcGracePeriodMs } from './garbage-collect.js';
export { openContentRoot, type ContentRoot } from './content-root.js';
/** Who holds something: `<pid>.<start time>` of a process, and whether it still runs (for leases, ingests and holds that outlive a crash). */
export { ownIdentity, identityAlive, processStartTime } from './process-identity.js';
