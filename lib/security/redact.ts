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

/**
 * drizzle's message for a failed statement: the statement, then every
 * parameter (e-mail addresses, names, search strings). Only the statement's
 * name is kept.
 */
const FAILED_QUERY = /Failed query: ([\s\S]*?)\nparams: [\s\S]*/g;

/** Removes credential-shaped substrings, and failed statements' values, from text. */
export function redactText(text: string): string {
  let out = text.replace(
    FAILED_QUERY,
    (_, query: string) => `Failed query: ${statementName(query)}`,
  );
  out = out.replace(URL_PASSWORD, `$1:${REDACTED}@`);
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
    return databaseError(value) ??
      { name: value.name, message: redactText(value.message) };
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

/** SQLSTATE: five digits or upper-case letters, at least one a digit. */
const SQLSTATE = /^(?=[A-Z]*[0-9])[0-9A-Z]{5}$/;

/**
 * A failed database statement as a log may show it: what the statement did
 * (`insert staff_users`, `select audit_append()`), its SQLSTATE and the names
 * of the constraint, table and column involved. Never its parameters, its
 * literal values or the server's message (which quotes values: `invalid
 * input syntax for type uuid: "…"`). Null for any other error.
 */
export function databaseError(err: Error): Record<string, string> | null {
  const top = err as Error & Record<string, unknown>;
  const drizzle = typeof top.query === "string" && "params" in top;
  if (!drizzle && !(typeof top.code === "string" && SQLSTATE.test(top.code))) {
    return null;
  }
  const out: Record<string, string> = { name: "DatabaseError" };
  let query: string | undefined;
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const f = e as Record<string, unknown>;
    query ??= typeof f.query === "string" ? f.query : undefined;
    if (!out.code && typeof f.code === "string" && SQLSTATE.test(f.code)) {
      out.code = f.code;
    }
    // A statement that never reached the server (ECONNREFUSED, …).
    if (typeof f.code === "string" && SYSTEM_CODE.test(f.code)) {
      out.error ??= f.code;
    }
    for (
      const [key, names] of [
        ["constraint", ["constraint_name", "constraint"]],
        ["table", ["table_name", "table"]],
        ["column", ["column_name", "column"]],
      ] as const
    ) {
      for (const n of names) {
        const v = f[n];
        if (!out[key] && typeof v === "string" && IDENTIFIER.test(v)) {
          out[key] = v;
        }
      }
    }
    e = f.cause;
  }
  if (query !== undefined) out.operation = statementName(query);
  return out;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$.]{0,62}$/;
const SYSTEM_CODE = /^E[A-Z_]{2,40}$/;

/**
 * What a statement does, in at most three words and without any value:
 * `insert staff_users`, `update orders`, `select stores`, `select
 * audit_append()`, `alter role`.
 */
export function statementName(query: string): string {
  const text = query
    .replace(/'(?:[^']|'')*'/g, "?") // string literals
    .replace(/\$(\w*)\$[\s\S]*?\$\1\$/g, "?") // dollar-quoted bodies
    .replace(/"((?:[^"]|"")*)"/g, (_, id: string) => id.replaceAll('""', '"'))
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
  const name = (id: string) =>
    id.replace(/[^a-z0-9_.]/g, "").slice(0, 63) || "?";
  const patterns: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^insert into ([\w.]+)/, (m) => `insert ${name(m[1])}`],
    [/^update (?:only )?([\w.]+)/, (m) => `update ${name(m[1])}`],
    [/^delete from (?:only )?([\w.]+)/, (m) => `delete ${name(m[1])}`],
    [
      /^(?:select|with)\b.*?\bfrom ([a-z_][\w.]*)/,
      (m) => `select ${name(m[1])}`,
    ],
    [/^select ([a-z_][\w.]*) ?\(/, (m) => `select ${name(m[1])}()`],
    [/^([a-z]+)(?: ([a-z]+))?/, (m) => [m[1], m[2]].filter(Boolean).join(" ")],
  ];
  for (const [pattern, describe] of patterns) {
    const m = pattern.exec(text);
    if (m) return describe(m);
  }
  return "statement";
}
