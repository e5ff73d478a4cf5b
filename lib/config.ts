// The one place that reads the environment. Data Policy §7: secrets come from
// access-controlled server-side configuration and are never echoed back.
import { z } from "zod";

const port = z.coerce.number({ error: "must be a number" }).int(
  "must be a whole number",
).min(1, "must be between 1 and 65535").max(
  65535,
  "must be between 1 and 65535",
);

const positiveMs = z.coerce.number({ error: "must be a number" }).int(
  "must be a whole number of milliseconds",
).positive("must be greater than 0");

const postgresUrl = z.string().refine(
  (v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "postgres:" || u.protocol === "postgresql:") &&
        u.hostname !== "" && u.pathname.length > 1;
    } catch (err) {
      if (err instanceof TypeError) return false; // not a URL
      throw err;
    }
  },
  "must be a postgres:// or postgresql:// URL with a host and a database name",
);

const CIDR =
  /^((\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?|[0-9a-fA-F:]+:[0-9a-fA-F:]*(\/\d{1,3})?)$/;

const base64Key = z.string().regex(
  /^[A-Za-z0-9_-]{43}=?$|^[A-Za-z0-9+/]{43}=$/,
  "must be 32 bytes encoded as base64 or base64url",
);

const vaultKeyRing = z.string().transform((v, ctx) => {
  const entries = v.split(",").map((s) => s.trim()).filter(Boolean);
  const keys: { kid: string; key: string }[] = [];
  for (const [i, entry] of entries.entries()) {
    const at = entry.indexOf(":");
    const kid = at > 0 ? entry.slice(0, at) : "";
    const key = at > 0 ? entry.slice(at + 1) : "";
    if (
      !/^[A-Za-z0-9._-]{1,64}$/.test(kid) || !base64Key.safeParse(key).success
    ) {
      ctx.addIssue({
        code: "custom",
        message: `entry ${
          i + 1
        } must look like kid:base64key (a 1-64 character id, then a 32-byte key)`,
      });
      return z.NEVER;
    }
    keys.push({ kid, key });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: "custom", message: "must list at least one key" });
    return z.NEVER;
  }
  return keys;
});

/** Every variable Custodian reads, with its default. Documented in README.md and .env.example. */
export const configSchema = z.object({
  PORT: port.default(8000),
  HOST: z.string().min(1, "must not be empty").default("127.0.0.1"),
  DATA_DIR: z.string().min(1, "must not be empty").default("./data"),
  DATABASE_URL: postgresUrl.optional(),
  /** The per-database runtime login's password; derived from DATABASE_URL's when unset. */
  DATABASE_APP_PASSWORD: z.string().regex(
    /^[\x21-\x7e]{16,128}$/,
    "must be 16 to 128 printable ASCII characters without spaces",
  ).optional(),
  DATABASE_POOL_SIZE: z.coerce.number({ error: "must be a number" }).int(
    "must be a whole number",
  ).min(1, "must be at least 1").max(100, "must be at most 100").default(10),
  KV_PATH: z.string().min(1, "must not be empty").optional(),
  PUBLIC_URL: z.url({ error: "must be an absolute http(s) URL" }).refine(
    (v) => /^https?:\/\//.test(v),
    "must be an absolute http(s) URL",
  ).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], {
    error: "must be one of debug, info, warn, error",
  }).default("info"),
  BODY_LIMIT_BYTES: z.coerce.number({ error: "must be a number" }).int(
    "must be a whole number",
  ).min(1024, "must be at least 1024").default(1024 * 1024),
  REQUEST_TIMEOUT_MS: positiveMs.default(30_000),
  SHUTDOWN_GRACE_MS: positiveMs.default(10_000),
  VAULT_KEYS: vaultKeyRing.optional(),
  /** The key of `deno task backup`/`restore` (32 bytes); never beside the backups. */
  BACKUP_KEY: base64Key.optional(),
  /**
   * Where data-request e-mail goes out: smtps://, or smtp://…?requireTLS=true
   * for TLS (/compliance checks it); may carry a password, so a secret.
   * Unset: the outbox only (the staff outbox page).
   */
  SMTP_URL: z.url({ error: "must be an smtp:// or smtps:// URL" }).refine(
    (v) => /^smtps?:\/\//i.test(v),
    "must be an smtp:// or smtps:// URL",
  ).optional(),
  SESSION_IDLE_MINUTES: z.coerce.number({ error: "must be a number" }).int(
    "must be a whole number",
  ).min(1, "must be at least 1").max(24 * 60, "must be at most 1440").default(
    30,
  ),
  SESSION_ABSOLUTE_HOURS: z.coerce.number({ error: "must be a number" }).int(
    "must be a whole number",
  ).min(1, "must be at least 1").max(24 * 30, "must be at most 720").default(
    12,
  ),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  MSENTRA_CLIENT_ID: z.string().min(1).optional(),
  MSENTRA_CLIENT_SECRET: z.string().min(1).optional(),
  MSENTRA_TENANT_ID: z.string().regex(
    /^[A-Za-z0-9.-]{1,64}$/,
    "must be a tenant id or domain",
  ).optional(),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  ALLOWED_EMAIL_DOMAINS: z.string().transform((v, ctx) => {
    const domains = v.split(",").map((d) => d.trim().toLowerCase()).filter(
      Boolean,
    );
    if (!domains.every((d) => /^[a-z0-9.-]+\.[a-z]{2,}$/.test(d))) {
      ctx.addIssue({
        code: "custom",
        message: "must be a comma-separated list of domains",
      });
      return z.NEVER;
    }
    return domains;
  }).optional(),
  STAFF_IP_ALLOWLIST: z.string().transform((v, ctx) => {
    const entries = v.split(",").map((d) => d.trim()).filter(Boolean);
    if (!entries.every((e) => CIDR.test(e))) {
      ctx.addIssue({
        code: "custom",
        message:
          "must be a comma-separated list of IPv4/IPv6 addresses or CIDR ranges",
      });
      return z.NEVER;
    }
    return entries;
  }).optional(),
  // Reverse proxies whose X-Forwarded-For is believed: a hop count ("1")
  // or addresses/CIDR ranges. Unset (or "0"): the socket peer is the client.
  TRUSTED_PROXIES: z.string().transform((v, ctx) => {
    const text = v.trim();
    if (/^\d+$/.test(text)) {
      const hops = Number(text);
      if (hops > 10) {
        ctx.addIssue({ code: "custom", message: "must be at most 10 hops" });
        return z.NEVER;
      }
      return hops === 0 ? undefined : { hops };
    }
    const ranges = text.split(",").map((d) => d.trim()).filter(Boolean);
    if (ranges.length === 0 || !ranges.every((e) => CIDR.test(e))) {
      ctx.addIssue({
        code: "custom",
        message:
          "must be a number of proxy hops, or a comma-separated list of IPv4/IPv6 addresses or CIDR ranges",
      });
      return z.NEVER;
    }
    return { ranges };
  }).optional(),
  /** The From of data-request e-mail. */
  MAIL_FROM: z.string().trim().min(3).max(200).regex(
    /^[^\r\n]*@[^\r\n]*$/,
    "must be an address, optionally with a name",
  ).default("Custodian <no-reply@localhost>"),
  // Requests a minute (and burst) per client address without a session.
  ANON_REQUESTS_PER_MINUTE: z.coerce.number({ error: "must be a number" })
    .int("must be a whole number").min(1, "must be at least 1").max(
      100_000,
      "must be at most 100000",
    ).default(60),
  SIGNIN_MAX_FAILURES: z.coerce.number({ error: "must be a number" }).int(
    "must be a whole number",
  ).min(1, "must be at least 1").max(100, "must be at most 100").default(5),
  SIGNIN_LOCKOUT_MINUTES: z.coerce.number({ error: "must be a number" }).int(
    "must be a whole number",
  ).min(1, "must be at least 1").max(24 * 60, "must be at most 1440").default(
    15,
  ),
  // The slower per-account limit: failures from any address (lib/security/lockout.ts).
  SIGNIN_ACCOUNT_MAX_FAILURES: z.coerce.number({ error: "must be a number" })
    .int("must be a whole number").min(1, "must be at least 1").max(
      10_000,
      "must be at most 10000",
    ).default(50),
  SIGNIN_ACCOUNT_LOCKOUT_MINUTES: z.coerce.number({
    error: "must be a number",
  }).int("must be a whole number").min(1, "must be at least 1").max(
    7 * 24 * 60,
    "must be at most 10080",
  ).default(60),
  AMAZON_BASE_URL: z.url({ error: "must be an absolute http(s) URL" }).refine(
    (v) => /^https?:\/\//.test(v),
    "must be an absolute http(s) URL",
  ).optional(),
  AMAZON_MODE: z.enum(["demo", "live"], {
    error: 'must be "demo" or "live"',
  }).default("demo"),
  SYNC_ADS_TRAILING_DAYS: z.coerce.number({ error: "must be a number" }).int(
    "must be a whole number",
  ).min(1, "must be at least 1").max(
    95,
    "must be at most 95 (Amazon keeps 95 days of ads metrics)",
  ).default(30),
  SYNC_ORDERS_OVERLAP_MINUTES: z.coerce.number({ error: "must be a number" })
    .int("must be a whole number").min(0, "must be at least 0").max(
      1440,
      "must be at most 1440",
    ).default(10),
  SYNC_BACKFILL_DAYS: z.coerce.number({ error: "must be a number" }).int(
    "must be a whole number",
  ).min(1, "must be at least 1").max(3650, "must be at most 3650").default(730),
  ACCESS_REVIEW_INTERVAL_DAYS: z.coerce.number({ error: "must be a number" })
    .int("must be a whole number").min(1, "must be at least 1").max(
      92,
      "must be at most 92 (Amazon requires at least a quarterly review)",
    ).default(90),
  /** The time zone of a person who chose none on their account page. */
  DEFAULT_TIME_ZONE: z.string().refine((v) => {
    if (v.length === 0 || v.length > 64) return false;
    try {
      new Intl.DateTimeFormat("en", { timeZone: v });
      return true;
    } catch (err) {
      if (err instanceof RangeError) return false; // not a zone
      throw err;
    }
  }, "must be an IANA time zone name, e.g. UTC or Europe/Berlin").default(
    "UTC",
  ),
}).superRefine((input, ctx) => {
  // Runs even when another variable is wrong, so every problem is listed.
  const v = input as Partial<Record<string, unknown>>;
  for (const [id, secret] of PROVIDER_PAIRS) {
    if (Boolean(v[id]) !== Boolean(v[secret])) {
      ctx.addIssue({
        code: "custom",
        path: [v[id] ? secret : id],
        message: `must be set together with ${v[id] ? id : secret}`,
      });
    }
  }
  if (v.DATABASE_APP_PASSWORD && !v.DATABASE_URL) {
    ctx.addIssue({
      code: "custom",
      path: ["DATABASE_APP_PASSWORD"],
      message: "applies to PostgreSQL only: set DATABASE_URL too",
    });
  }
  if (v.MSENTRA_CLIENT_ID && !v.MSENTRA_TENANT_ID) {
    ctx.addIssue({
      code: "custom",
      path: ["MSENTRA_TENANT_ID"],
      message: "must be set when MSENTRA_CLIENT_ID is",
    });
  }
}, { when: () => true });

const PROVIDER_PAIRS = [
  ["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"],
  ["MSENTRA_CLIENT_ID", "MSENTRA_CLIENT_SECRET"],
  ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"],
] as const;

/** Names whose values are secret: never printed, not even in an error. */
export const SECRET_VARIABLES = new Set([
  "DATABASE_URL",
  "DATABASE_APP_PASSWORD",
  "VAULT_KEYS",
  "BACKUP_KEY",
  "SMTP_URL",
  "GOOGLE_CLIENT_SECRET",
  "MSENTRA_CLIENT_SECRET",
  "GITHUB_CLIENT_SECRET",
]);

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends RawConfig {
  /** Where Deno KV lives: KV_PATH, or $DATA_DIR/kv.sqlite3. */
  kvPath: string;
  /** Where PGlite keeps its files when DATABASE_URL is unset. */
  pgliteDir: string;
  /** The URL staff and requesters use to reach the portal. */
  publicUrl: string;
  engine: "pglite" | "postgres";
}

/** Thrown when the environment is wrong; `problems` has one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Custodian cannot start; fix these settings:\n${
        problems.map((p) => `  - ${p}`).join("\n")
      }`,
    );
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment into a Config, or throws ConfigError listing every
 * problem, each naming its variable and never its value.
 *
 * @example
 * const config = loadConfig(Deno.env.toObject());
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const known = Object.fromEntries(
    Object.keys(configSchema.shape).map((k) => [k, blankToUndefined(env[k])]),
  );
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      return `${name} ${issue.message}`;
    });
    throw new ConfigError([...new Set(problems)]);
  }
  const raw = parsed.data;
  const dataDir = raw.DATA_DIR.replace(/\/+$/, "") || ".";
  return {
    ...raw,
    DATA_DIR: dataDir,
    kvPath: raw.KV_PATH ?? `${dataDir}/kv.sqlite3`,
    pgliteDir: `${dataDir}/pg`,
    publicUrl: (raw.PUBLIC_URL ?? `http://${hostForUrl(raw.HOST)}:${raw.PORT}`)
      .replace(/\/+$/, ""),
    engine: raw.DATABASE_URL ? "postgres" : "pglite",
  };
}

function blankToUndefined(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === "" ? undefined : v;
}

function hostForUrl(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}
