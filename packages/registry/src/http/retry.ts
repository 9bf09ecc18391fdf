import { CanceledError } from '@kiln/errors';

/**
 * How kiln retries a registry request that failed for a reason that may pass:
 * HTTP 5xx (but not 501), 429, and dropped or refused connections. Delays grow
 * exponentially from `baseDelayMs`, capped at `maxDelayMs`, with up to 50 %
 * random jitter so several blobs do not retry in lock-step. A `Retry-After`
 * header (seconds or an HTTP date) overrides the computed delay, still capped.
 */
export interface RetryPolicy {
  /** Tries in total, including the first; 1 disables retrying. */
  readonly attempts: number;
  /** Delay before the first retry, in milliseconds. */
  readonly baseDelayMs: number;
  /** Longest single delay, in milliseconds. */
  readonly maxDelayMs: number;
}

/** 5 tries, 200 ms doubling to at most 10 s: about 3 s of waiting before giving up on a flapping registry. */
export const defaultRetryPolicy: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

/** True for statuses worth retrying: 408, 429 and 5xx except 501 (which will not change). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501);
}

const retryableErrorCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * True for transport failures that a new connection may cure: resets, refused
 * or timed-out connections, a body cut short. False for aborts by the caller.
 */
export function isRetryableNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && retryableErrorCodes.has(code)) return true;
  return error.message === 'socket hang up' || error.message === 'aborted' || /premature close/i.test(error.message);
}

/**
 * The delay before retry number `retry` (1 for the first retry), in ms.
 * `retryAfter` is the raw `Retry-After` header, if any; `random` is injectable for tests.
 */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfter?: string, random: () => number = Math.random): number {
  const after = parseRetryAfter(retryAfter);
  if (after !== undefined) return Math.min(after, policy.maxDelayMs);
  const exponential = Math.min(policy.baseDelayMs * 2 ** (retry - 1), policy.maxDelayMs);
  return Math.round(exponential * (0.5 + random() / 2));
}

/** `Retry-After` as milliseconds from now, from delta-seconds or an HTTP date; undefined when absent or malformed. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Waits `ms` milliseconds.
 * @throws CanceledError when `signal` fires first (the timer is cleared).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new CanceledError(undefined, { cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CanceledError(undefined, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
