/**
 * @packageDocumentation
 * The Snapshotter conformance suite (`@kiln/snapshot/testsuite`): every
 * implementation runs it. It mounts what the snapshotter returns (with
 * `@kiln/sys`, so it needs CAP_SYS_ADMIN), checks the files, and after each
 * case asserts that no mount and no temporary directory remains.
 *
 * ```ts
 * import test from 'ava';
 * import { snapshotterConformance } from '@kiln/snapshot/testsuite';
 * snapshotterConformance(test, 'overlayfs', (root) => {
 *   const db = new DatabaseSync(path.join(root, 'meta.db'));
 *   return { snapshotter: createOverlaySnapshotter({ root, db }), close: () => db.close() };
 * });
 * ```
 */
import { errorCases } from './cases-errors.js';
import { layerCases } from './cases-layers.js';
import { lifecycleCases } from './cases-lifecycle.js';
import { defineCase, type ConformanceTest, type SnapshotterFactory } from './harness.js';

export type { ConformanceAssertions, ConformanceTest, SnapshotterFactory, SnapshotterFixture, CaseContext } from './harness.js';
export { describeTree, mountsUnder } from './harness.js';

/**
 * Registers every conformance case as a serial test titled `<name>: <case>`.
 * `factory` makes the snapshotter under test on a fresh root per case.
 */
export function snapshotterConformance(test: ConformanceTest, name: string, factory: SnapshotterFactory): void {
  for (const [title, body] of [...lifecycleCases, ...layerCases, ...errorCases]) defineCase(test, name, factory, title, body);
}
