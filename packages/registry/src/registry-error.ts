import { ErrorCode, KilnError } from '@kiln/errors';

/** One entry of the `errors` array a distribution registry sends with a failed response. */
export interface RegistryErrorEntry {
  /** The registry's own code, for example `MANIFEST_UNKNOWN`, `NAME_INVALID`, `DENIED`. */
  readonly code: string;
  readonly message: string;
  readonly detail?: unknown;
}

/** Options of a {@link RegistryError}. */
export interface RegistryErrorOptions {
  readonly cause?: unknown;
  /** The HTTP status of the response, when there was one. */
  readonly status?: number;
  /** The registry's error entries, parsed from the response body (may be empty). */
  readonly errors?: readonly RegistryErrorEntry[];
}

/**
 * An error from talking to a registry about one image reference. `code` is the
 * kiln {@link ErrorCode} callers branch on (NotFound for MANIFEST_UNKNOWN and
 * BLOB_UNKNOWN, Unauthenticated for 401, PermissionDenied for 403 and DENIED,
 * InvalidArgument for NAME_INVALID and other malformed requests, Unavailable
 * for 5xx and dropped connections…); the registry's own code and message are
 * kept in {@link RegistryError.errors} and repeated in the message, which
 * always names the reference.
 */
export class RegistryError extends KilnError {
  /** The reference the operation was about, as the user wrote it or as kiln normalised it. */
  readonly reference: string;
  readonly status: number | undefined;
  readonly errors: readonly RegistryErrorEntry[];

  constructor(code: ErrorCode, reference: string, message: string, options: RegistryErrorOptions = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.reference = reference;
    this.status = options.status;
    this.errors = options.errors ?? [];
  }

  /** The first registry error code (`MANIFEST_UNKNOWN`…), if the registry sent one. */
  get registryCode(): string | undefined {
    return this.errors[0]?.code;
  }
}

const codeByRegistryCode: Readonly<Record<string, ErrorCode>> = {
  BLOB_UNKNOWN: ErrorCode.NotFound,
  BLOB_UPLOAD_UNKNOWN: ErrorCode.NotFound,
  MANIFEST_UNKNOWN: ErrorCode.NotFound,
  NAME_UNKNOWN: ErrorCode.NotFound,
  MANIFEST_BLOB_UNKNOWN: ErrorCode.FailedPrecondition,
  BLOB_UPLOAD_INVALID: ErrorCode.InvalidArgument,
  DIGEST_INVALID: ErrorCode.InvalidArgument,
  MANIFEST_INVALID: ErrorCode.InvalidArgument,
  MANIFEST_UNVERIFIED: ErrorCode.InvalidArgument,
  NAME_INVALID: ErrorCode.InvalidArgument,
  SIZE_INVALID: ErrorCode.InvalidArgument,
  TAG_INVALID: ErrorCode.InvalidArgument,
  PAGINATION_NUMBER_INVALID: ErrorCode.InvalidArgument,
  RANGE_INVALID: ErrorCode.InvalidArgument,
  UNAUTHORIZED: ErrorCode.Unauthenticated,
  DENIED: ErrorCode.PermissionDenied,
  UNSUPPORTED: ErrorCode.Unsupported,
  TOOMANYREQUESTS: ErrorCode.ResourceExhausted,
};

/**
 * The kiln code for a failed registry response: the registry's own code wins
 * (it is more precise), then the HTTP status.
 */
export function errorCodeFor(status: number, entries: readonly RegistryErrorEntry[]): ErrorCode {
  for (const entry of entries) {
    const mapped = codeByRegistryCode[entry.code];
    if (mapped !== undefined) return mapped;
  }
  if (status === 401) return ErrorCode.Unauthenticated;
  if (status === 403) return ErrorCode.PermissionDenied;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 405 || status === 501) return ErrorCode.Unsupported;
  if (status === 413) return ErrorCode.ResourceExhausted;
  if (status === 416) return ErrorCode.InvalidArgument;
  if (status === 429) return ErrorCode.ResourceExhausted;
  if (status >= 500) return ErrorCode.Unavailable;
  if (status >= 400) return ErrorCode.InvalidArgument;
  return ErrorCode.Internal;
}

/**
 * Parses a registry error body (`{"errors":[{"code","message","detail"}]}`).
 * Anything else (HTML from a proxy, empty bodies) gives an empty list; it never throws.
 */
export function parseRegistryErrors(body: string): RegistryErrorEntry[] {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return [];
    const list = (parsed as { errors?: unknown }).errors;
    if (!Array.isArray(list)) return [];
    const entries: RegistryErrorEntry[] = [];
    for (const item of list) {
      if (typeof item !== 'object' || item === null) continue;
      const { code, message, detail } = item as { code?: unknown; message?: unknown; detail?: unknown };
      if (typeof code !== 'string') continue;
      entries.push({ code, message: typeof message === 'string' ? message : '', ...(detail === undefined ? {} : { detail }) });
    }
    return entries;
  } catch {
    return [];
  }
}

/** `MANIFEST_UNKNOWN: manifest unknown; NAME_UNKNOWN: …`, the registry's words in one line. */
export function formatRegistryErrors(entries: readonly RegistryErrorEntry[]): string {
  return entries.map((e) => (e.message === '' ? e.code : `${e.code}: ${e.message}`)).join('; ');
}

/**
 * Builds the {@link RegistryError} for a failed response. `action` says what
 * kiln was doing (`resolve`, `fetch blob sha256:… of`, `push manifest to`);
 * `body` is the response text (at most a few KiB; callers cap it).
 */
export function registryResponseError(
  action: string,
  reference: string,
  request: { readonly method: string; readonly url: URL },
  status: number,
  body: string,
): RegistryError {
  const entries = parseRegistryErrors(body);
  const said = entries.length > 0 ? formatRegistryErrors(entries) : body.trim().slice(0, 200) || 'no error body';
  const message = `${action} ${reference}: ${said} (HTTP ${status} from ${request.method} ${redactUrl(request.url)})`;
  return new RegistryError(errorCodeFor(status, entries), reference, message, { status, errors: entries });
}

/** The URL without query credentials or upload state tokens, fit for messages. */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
