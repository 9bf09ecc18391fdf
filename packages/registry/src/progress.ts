import type { Descriptor } from '@kiln/oci';

/**
 * One step of moving a blob or manifest between kiln and a registry, for
 * progress displays. `current` and `total` are bytes; `current` counts bytes
 * of this blob in hand (after a resume it continues, after a restart it drops
 * back to 0).
 *
 * - `exists`: already there (in the store when pulling, in the registry when pushing); nothing moves.
 * - `mounted`: pushed by cross-repository mount; nothing moved.
 * - `started`, `progress`, `done`: a transfer.
 * - `retrying`: a transfer broke off and is being resumed (`current` > 0) or restarted.
 */
export interface TransferProgress {
  readonly direction: 'pull' | 'push';
  readonly reference: string;
  readonly descriptor: Descriptor;
  readonly status: 'exists' | 'mounted' | 'started' | 'progress' | 'retrying' | 'done';
  readonly current: number;
  readonly total: number;
}

/** Receives {@link TransferProgress}; it must not throw and should return quickly. */
export type ProgressListener = (event: TransferProgress) => void;
