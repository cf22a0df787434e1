// The remote sides' errors, typed by what the caller does next (FbsyncError and the local errors are in
// src/errors.ts). Messages never carry secrets: they are built from API error text that has passed through redact().

import { FbsyncError } from '../errors.js';

export type Side = 'facebook' | 'planfix';

/** Errors that come from one of the two remote APIs. */
export class RemoteError extends FbsyncError {
  override readonly code: string = 'REMOTE';
  constructor(
    readonly side: Side,
    message: string,
    readonly apiCode?: number,
    readonly apiSubcode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A kind of RemoteError that differs from the others only in its `code` and in what the caller does
 * next (the class is what callers test: `instanceof`).
 */
function remoteErrorKind<C extends string>(code: C) {
  return class extends RemoteError {
    override readonly code: C = code;
  };
}

/** The side refused our credentials (Graph 190, Planfix 1/2/16): exit 3, run `fbsync reconnect`. */
export class AuthError extends remoteErrorKind('AUTH') {}

/** A permission or role is missing (Graph 10, 200–299; Planfix 5): exit 3 as well. */
export class PermissionError extends remoteErrorKind('PERMISSION') {}

/** Rate limit reached: stop calling this side for the rest of the run; exit 4. */
export class ThrottledError extends RemoteError {
  override readonly code = 'THROTTLED';
  constructor(side: Side, message: string, readonly retryAfterMs?: number, apiCode?: number) {
    super(side, message, apiCode);
  }
}

/**
 * Transient failure (5xx, network, timeout, Graph 1/2, Planfix 3).
 * `outcomeUnknown` is true when the request may have reached the server and been applied
 * (timeout, connection reset after sending): the journal must check the remote side before a retry.
 */
export class TransientError extends RemoteError {
  override readonly code = 'TRANSIENT';
  constructor(side: Side, message: string, readonly outcomeUnknown: boolean, apiCode?: number, options?: { cause?: unknown }) {
    super(side, message, apiCode, undefined, options);
  }
}

/** The object does not exist (Graph 100/33, Planfix 1000/2000/5000, HTTP 404). */
export class NotFoundError extends remoteErrorKind('NOT_FOUND') {}

/**
 * The API refused this one write for a reason that retrying will not fix soon (can_comment false,
 * Planfix 6 "comments not allowed", a missing template). A block Facebook calls temporary (368) is a
 * PostponedError instead.
 */
export class RefusedError extends remoteErrorKind('REFUSED') {}

/** The answer could not be understood (HTML page, truncated JSON, missing fields). */
export class MalformedResponseError extends remoteErrorKind('MALFORMED') {}

/**
 * The API refused this write for now, not for good (Graph 368 "temporarily blocked for policy
 * violations"): nothing was written; the item is retried on a later run, with back-off.
 */
export class PostponedError extends remoteErrorKind('POSTPONED') {}

/**
 * The answer was too heavy for the API to build (Graph code 1 "Please reduce the amount of data
 * you're asking for", "request too large"): the same read with a smaller page may succeed at once.
 */
export class TooMuchDataError extends remoteErrorKind('TOO_MUCH_DATA') {}

/** Why a side could not be reached at all (no HTTP answer came back). */
export type NetworkProblem = 'dns' | 'refused' | 'tls' | 'timeout' | 'reset' | 'other';

/**
 * No answer at all: the host is unknown, refuses the connection, fails TLS, or stays silent.
 * The message names the host, the reason and the fix ("cannot reach x (host not found): check
 * planfix.url, DNS or proxy"); `fix` alone is for `--json` and doctor.
 */
export class NetworkError extends TransientError {
  constructor(
    side: Side,
    readonly host: string,
    readonly problem: NetworkProblem,
    readonly fix: string,
    message: string,
    outcomeUnknown: boolean,
  ) {
    super(side, message, outcomeUnknown);
  }
}

/**
 * A 2xx answer to a write that cannot be read (not JSON, no id) most likely comes after the write
 * was applied: it becomes a write whose outcome is unknown, so the journal looks for the result
 * before writing again — never a plain failure, after which the write would be repeated blindly.
 */
export function writeOutcomeUnknown(side: Side, unreadable: MalformedResponseError): TransientError {
  return new TransientError(side, `${unreadable.message}; the write may have been applied`, true, undefined, { cause: unreadable });
}
