// Known client errors become 4xx answers, never a 500 (issue #11, "5xx from
// bad input"): a body that cannot be read as a form, and values the database
// refuses as data (SQLSTATE class 22: a NUL byte in text, a date out of
// range). Everything else stays a 500. Nothing here logs a value.
import { HTTPException } from "hono/http-exception";
import type { RefusalReason } from "../../views/pages/error_messages.ts";

/** Why a request was refused; views/pages/error_messages.ts says it. */
export type ClientErrorReason = RefusalReason;

/** A refusal with a reason the error page explains. */
export class ClientError extends HTTPException {
  constructor(
    status: 400 | 404 | 413 | 429,
    readonly reason: ClientErrorReason,
    opts: { cause?: unknown } = {},
  ) {
    super(status, { message: reason, cause: opts.cause });
    this.name = "ClientError";
  }
}

/** Why a request was forbidden (403); the error page says it in words. */
export type ForbiddenReason = "permission" | "network" | "csrf" | "undeclared";

/**
 * A 403 with its reason: a permission the person's role lacks (named), an
 * address outside the staff IP allow-list, a cross-site form, or a route
 * nobody declared.
 */
export class Forbidden extends HTTPException {
  constructor(
    readonly reason: ForbiddenReason,
    readonly permission?: string,
  ) {
    super(403, { message: `forbidden: ${reason}` });
    this.name = "Forbidden";
  }
}

/** The SQLSTATE of a database error, looked for along the `cause` chain. */
export function sqlStateOf(err: unknown): string | null {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

export interface ErrorAnswer {
  status: number;
  reason?: ClientErrorReason;
  /** Set for a 403: why, and the permission that was missing. */
  forbidden?: { reason: ForbiddenReason; permission?: string };
  /** Set when a database data exception was turned into a 400. */
  sqlState?: string;
}

/**
 * The status to answer for an error thrown while handling a request.
 *
 * @example
 * classifyError(new HTTPException(403)) // → { status: 403 }
 * classifyError(pgErrorWithCode("22021")) // → { status: 400, reason: "bad_value", sqlState: "22021" }
 */
export function classifyError(err: unknown): ErrorAnswer {
  if (err instanceof ClientError) {
    return { status: err.status, reason: err.reason };
  }
  if (err instanceof Forbidden) {
    return {
      status: 403,
      forbidden: { reason: err.reason, permission: err.permission },
    };
  }
  if (err instanceof HTTPException) return { status: err.status };
  const state = sqlStateOf(err);
  // Class 22, "data exception": the value itself is wrong (invalid byte
  // sequence, datetime out of range, invalid text representation …).
  if (state?.startsWith("22")) {
    return { status: 400, reason: "bad_value", sqlState: state };
  }
  return { status: 500 };
}
