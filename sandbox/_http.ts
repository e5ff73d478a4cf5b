// Response builders shared by every handler: Amazon's JSON error bodies
// (SP-API `{errors:[{code,message,details}]}`, LWA `{error,
// error_description}`, Ads `{code, details}`), S3's XML errors for
// presigned URLs, and the 503 HTML page Amazon sometimes serves instead of
// JSON (facts §3.5).
import { stringify } from "./_json.ts";

/** A JSON response (RawNumber-aware). */
export function json(
  status: number,
  body: unknown,
  headers: HeadersInit = {},
): Response {
  const h = new Headers(headers);
  if (!h.has("content-type")) h.set("content-type", "application/json");
  return new Response(stringify(body), { status, headers: h });
}

const ERROR_TYPES: Record<number, string> = {
  400: "ValidationException",
  403: "AccessDeniedException",
  404: "ResourceNotFoundException",
  429: "ThrottlingException",
  500: "InternalFailure",
  503: "ServiceUnavailableException",
};

/** An SP-API error: `{errors:[{code, message, details}]}`. */
export function spError(
  status: number,
  code: string,
  message: string,
  details?: string,
  errorType = ERROR_TYPES[status],
): Response {
  const error: Record<string, string> = { code, message };
  if (details !== undefined) error.details = details;
  const headers: Record<string, string> = {};
  if (errorType) headers["x-amzn-ErrorType"] = errorType;
  return json(status, { errors: [error] }, headers);
}

/** 400 InvalidInput. */
export const invalidInput = (message: string, details?: string): Response =>
  spError(400, "InvalidInput", message, details);

/** 404 NotFound. */
export const notFound = (message: string, details?: string): Response =>
  spError(404, "NotFound", message, details);

/** 429 QuotaExceeded (never with x-amzn-RateLimit-Limit). */
export const quotaExceeded = (): Response =>
  spError(
    429,
    "QuotaExceeded",
    "You exceeded your quota for the requested resource.",
  );

/** 403 Unauthorized. */
export const unauthorized = (details: string): Response =>
  spError(
    403,
    "Unauthorized",
    "Access to requested resource is denied.",
    details,
  );

/** 500 InternalFailure. */
export const internalFailure = (): Response =>
  spError(
    500,
    "InternalFailure",
    "We encountered an internal error. Please try again.",
  );

/** 503, as JSON or as the HTML page Amazon's edge sometimes returns. */
export function unavailable(html = false): Response {
  if (!html) {
    return spError(
      503,
      "ServiceUnavailable",
      "Service temporarily unavailable. Please try again.",
    );
  }
  return new Response(
    "<!DOCTYPE html>\n<html><head><title>Website Temporarily Unavailable</title></head>" +
      "<body><h1>Website Temporarily Unavailable</h1><p>Please try again later.</p></body></html>\n",
    { status: 503, headers: { "content-type": "text/html;charset=UTF-8" } },
  );
}

/** An S3-style XML error for presigned document URLs. */
export function s3Error(
  status: number,
  code: string,
  message: string,
  requestId: string,
  extra: Record<string, string> = {},
): Response {
  const fields = Object.entries(extra).map(([k, v]) => `<${k}>${v}</${k}>`)
    .join("");
  return new Response(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${fields}<RequestId>${requestId}</RequestId><HostId>sandbox</HostId></Error>`,
    { status, headers: { "content-type": "application/xml" } },
  );
}

/** The error a dropped connection's body fails with (not worth logging). */
export class ConnectionReset extends Error {
  override name = "ConnectionReset";
  constructor() {
    super("connection reset (sandbox fault)");
  }
}

/**
 * The connectionReset fault: the status line goes out, then the connection
 * drops before any of the body, so the client's read fails as on a reset.
 */
export function connectionReset(): Response {
  return new Response(
    new ReadableStream({
      async pull(ctrl) {
        await Promise.resolve();
        ctrl.error(new ConnectionReset());
      },
    }),
    { status: 200, headers: { "content-type": "application/json" } },
  );
}

/** A 200 whose JSON is cut off in the middle (the malformedJson fault). */
export async function malformed(res: Response): Promise<Response> {
  const text = await res.text();
  const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(cut, { status: 200, headers });
}

/**
 * A 200 whose JSON strings (of `field`, or all) carry an escaped NUL
 * (`\u0000`) after their first character (the nulInText fault).
 */
export async function withNul(
  res: Response,
  field?: string,
): Promise<Response> {
  const text = await res.text();
  const pattern = field
    ? new RegExp(`("${field.replace(/[^\w]/g, "")}"\\s*:\\s*")([^"\\\\])`, "g")
    : /(:\s*")([^"\\])/g;
  const out = text.replace(pattern, "$1$2\\u0000");
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  return new Response(out, { status: 200, headers });
}
