/**
 * The package table of ../shared/ARCHITECTURE.md as data: what each package may
 * import (besides `errors`), whether it is pure (no Node APIs), and which
 * third-party libraries it alone may import. test/architecture.test.ts holds
 * the code to it.
 */
export interface PackageRule {
  readonly mayImport: readonly string[];
  readonly pure: boolean;
  readonly thirdParty: readonly string[];
}

export const packageRules: Readonly<Record<string, PackageRule>> = {
  errors: { mayImport: [], pure: true, thirdParty: [] },
  oci: { mayImport: [], pure: true, thirdParty: [] },
  sys: { mayImport: [], pure: false, thirdParty: ['koffi'] },
  shell: { mayImport: [], pure: true, thirdParty: [] },
  patterns: { mayImport: [], pure: true, thirdParty: [] },
  'dockerfile-syntax': { mayImport: ['shell'], pure: true, thirdParty: ['chevrotain'] },
  llb: { mayImport: ['oci'], pure: true, thirdParty: [] },
  content: { mayImport: ['oci'], pure: false, thirdParty: [] },
  snapshot: { mayImport: ['sys'], pure: false, thirdParty: [] },
  executor: { mayImport: ['oci', 'sys'], pure: false, thirdParty: [] },
  'dockerfile-frontend': { mayImport: ['dockerfile-syntax', 'shell', 'patterns', 'llb', 'oci'], pure: true, thirdParty: [] },
  solver: { mayImport: ['llb'], pure: true, thirdParty: ['p-queue'] },
  // Its own tar codec: tar-stream clamps uids above 262143 and corrupts binary xattr values (deps.md).
  layer: { mayImport: ['content', 'oci', 'sys'], pure: false, thirdParty: [] },
  // The registry fetches several blobs at once through p-queue (issue "Images"), so it shares p-queue with the solver.
  registry: { mayImport: ['content', 'oci'], pure: false, thirdParty: ['p-queue'] },
  // OCI layouts and docker archives, read (by source, `kiln load`) and written (by exporter, `kiln save`); tars through layer's codec.
  archive: { mayImport: ['content', 'oci', 'layer'], pure: false, thirdParty: [] },
  // Layer chains are stacked as overlay option data (sys' mount-option helpers), and checksums select
  // paths with wildcards and --exclude patterns (patterns).
  cache: { mayImport: ['snapshot', 'layer', 'content', 'oci', 'sys', 'patterns'], pure: false, thirdParty: ['xxhash-wasm'] },
  // The context sync copies files with sys' plain read/write copy (faster than fs.copyFileSync on many small files).
  source: { mayImport: ['cache', 'registry', 'archive', 'content', 'patterns', 'llb', 'oci', 'sys'], pure: false, thirdParty: [] },
  // Tars are written with layer's own codec (tar-stream mangles big uids and binary xattrs, deps.md).
  exporter: { mayImport: ['cache', 'layer', 'archive', 'content', 'registry', 'oci'], pure: false, thirdParty: [] },
  // The file op's copier applies COPY --exclude and wildcard selection, so worker also reads patterns.
  worker: { mayImport: ['solver', 'llb', 'cache', 'executor', 'source', 'patterns', 'sys', 'oci'], pure: false, thirdParty: [] },
  builder: {
    mayImport: ['oci', 'sys', 'shell', 'patterns', 'dockerfile-syntax', 'llb', 'content', 'snapshot', 'executor',
      'dockerfile-frontend', 'solver', 'layer', 'registry', 'archive', 'cache', 'source', 'exporter', 'worker'],
    pure: false,
    thirdParty: [],
  },
  cli: { mayImport: ['builder'], pure: false, thirdParty: ['commander'] },
};
