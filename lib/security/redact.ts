// Data Policy §6 and §7: no complete credential in a log, an error, an API
// log row, an audit detail or an export. Everything written out passes here.

/** What replaces a removed value. */
export const REDACTED = "[redacted]";

/** Keys whose values are secret whatever they look like. */
const SECRET_KEY =
  /(pass(word)?|secret|token|authorization|cookie|api[-_]?key|private[-_]?key|credential|session|vault[-_]?keys?|database[-_]?url|signature|otp|totp|recovery)/i;

/** Values that look like credentials wherever they appear inside text. */
const SECRET_VALUE: RegExp[] = [
  /Atz[ar]\|[A-Za-z0-9_\-|.+/=]{8,}/g, // LWA access and refresh tokens
  /amzn1\.oa2-cs\.v1\.[A-Za-z0-9]+/g, // LWA client secret
  /amzn1\.application-oa2-client\.[A-Za-z0-9]+/g, // LWA client id
  /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, // AWS access key id
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?/g, // JWS / JWE
  /\bBearer\s+[A-Za-z0-9._~+/=|-]{8,}/gi,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];
/** user:password@ in connection strings. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*):[^@/?#\s]+@/gi;

/** Removes credential-shaped substrings from text. */
export function redactText(text: string): string {
  let out = text.replace(URL_PASSWORD, `$1:${REDACTED}@`);
  for (const pattern of SECRET_VALUE) out = out.replace(pattern, REDACTED);
  return out;
}

/**
 * Deep-copies a value with secret keys blanked and credential-shaped text
 * removed. Errors become `{name, message}` (their stacks are dropped).
 *
 * @example
 * log.info("lwa.refresh", redact({ refresh_token: "Atzr|…", status: 400 }));
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return REDACTED;
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined &&
        typeof v !== "boolean" && typeof v !== "number"
      ? REDACTED
      : redact(v, depth + 1);
  }
  return out;
}
