import type { ImageTransferProgress } from '@kiln/builder';
import type { ProgressUpdate } from './progress-display.js';

const statusWords: Readonly<Record<ImageTransferProgress['status'], { pull: string; push: string }>> = {
  exists: { pull: 'exists', push: 'exists' },
  mounted: { pull: 'mounted', push: 'mounted' },
  started: { pull: 'downloading', push: 'uploading' },
  progress: { pull: 'downloading', push: 'uploading' },
  retrying: { pull: 'retrying', push: 'retrying' },
  done: { pull: 'downloaded', push: 'pushed' },
};

/** What a media type holds, in one word: `manifest`, `index`, `config` or `layer`. */
export function blobKind(mediaType: string): string {
  if (/manifest\.list|image\.index/.test(mediaType)) return 'index';
  if (/manifest/.test(mediaType)) return 'manifest';
  if (/config/.test(mediaType)) return 'config';
  return 'layer';
}

/** A registry transfer event as a progress row: the blob's short digest and kind, a status word, bytes. */
export function transferUpdate(event: ImageTransferProgress): ProgressUpdate {
  const { digest, mediaType } = event.descriptor;
  const hex = digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
  return {
    id: digest,
    label: `${digest.slice(0, digest.indexOf(':'))}:${hex} ${blobKind(mediaType).padEnd(8)}`,
    status: statusWords[event.status][event.direction],
    current: event.current,
    total: event.total,
    finished: event.status === 'exists' || event.status === 'mounted' || event.status === 'done',
  };
}
