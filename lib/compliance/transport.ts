// Issue #18, Data Policy §8 and §11 (HTTPS/TLS, encrypted transmission,
// encrypted backups): what the portal can see of itself. Each check reads
// configuration or its own connection; none prints a secret (a URL's host
// and scheme only, never its user or password).
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import type { EvidenceProvider } from "./registry.ts";

/** Loopback hosts: plain HTTP or a plain socket there never leaves the machine. */
const LOOPBACK = /^(localhost|127(\.\d+){3}|\[?::1\]?)$/i;

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/** PUBLIC_URL on https; plain http is amber on this machine, red elsewhere. */
export const publicHttpsLine: EvidenceProvider = {
  id: "transport.public_https",
  section: "8",
  evaluate({ config }) {
    const url = new URL(config.publicUrl);
    const https = url.protocol === "https:";
    const local = LOOPBACK.test(url.hostname);
    return Promise.resolve({
      id: this.id,
      section: this.section,
      status: https ? "green" : local ? "amber" : "red",
      reason: https ? "https" : local ? "http_loopback" : "http_public",
      figures: [
        { label: "public_url", value: `${url.protocol}//${url.host}` },
      ],
      link: null,
    });
  },
};

/**
 * The database connection's TLS: PGlite runs in this process (no network);
 * on PostgreSQL, the runtime connection's own pg_stat_ssl row. Without
 * TLS: amber to a loopback server, red to another host.
 */
export const databaseTlsLine: EvidenceProvider = {
  id: "transport.database_tls",
  section: "8",
  async evaluate({ db, principal, config }) {
    if (db.engine === "pglite") {
      return {
        id: this.id,
        section: this.section,
        status: "green",
        reason: "database_in_process",
        figures: [{ label: "database_engine", value: "PGlite" }],
        link: null,
      };
    }
    const [r] = await db.asUser(
      principal,
      async (tx) =>
        rowsOf<{ ssl: boolean | null; version: string | null }>(
          await tx.execute(sql`select ssl, version from pg_stat_ssl
          where pid = pg_backend_pid()`),
        ),
    );
    const tls = r?.ssl === true;
    const host = hostOf(config.DATABASE_URL) ?? "";
    const local = host === "" || LOOPBACK.test(host);
    return {
      id: this.id,
      section: this.section,
      status: tls ? "green" : local ? "amber" : "red",
      reason: tls
        ? "database_tls"
        : local
        ? "database_plain_loopback"
        : "database_plain",
      figures: [
        { label: "database_engine", value: "PostgreSQL" },
        { label: "database_host", value: host || null },
        { label: "tls_version", value: r?.version ?? null },
      ],
      link: null,
    };
  },
};

/**
 * The SMTP connection's TLS: smtps:// (TLS from the first byte), or smtp://
 * with STARTTLS required (`requireTLS=true`, nodemailer's option). Red for
 * plain SMTP to another host; amber when no SMTP_URL is set (no e-mail
 * leaves, but none can be sent either).
 */
export const smtpTlsLine: EvidenceProvider = {
  id: "transport.smtp_tls",
  section: "8",
  evaluate({ config }) {
    const raw = config.SMTP_URL;
    let status: "green" | "amber" | "red" = "amber";
    let reason = "smtp_not_configured";
    let shown: string | null = null;
    if (raw) {
      const url = new URL(raw);
      shown = `${url.protocol}//${url.host}`;
      const starttls = ["true", "1", "yes"].includes(
        (url.searchParams.get("requireTLS") ?? "").toLowerCase(),
      );
      if (url.protocol === "smtps:") [status, reason] = ["green", "smtps"];
      else if (starttls) [status, reason] = ["green", "starttls_required"];
      else if (LOOPBACK.test(url.hostname)) {
        [status, reason] = ["amber", "smtp_plain_loopback"];
      } else [status, reason] = ["red", "smtp_plain"];
    }
    return Promise.resolve({
      id: this.id,
      section: this.section,
      status,
      reason,
      figures: [{ label: "smtp_server", value: shown }],
      link: null,
    });
  },
};

/**
 * Backups encrypted: `deno task backup` writes only through the encrypted
 * container and refuses to run without BACKUP_KEY. Amber without one (no
 * backup can be made); figures: the last backup made.
 */
export const backupEncryptionLine: EvidenceProvider = {
  id: "transport.backup_encrypted",
  section: "8",
  async evaluate({ db, principal, config }) {
    const [r] = await db.asUser(
      principal,
      async (tx) =>
        rowsOf<{ at: string | null }>(
          await tx.execute(sql`select max(at) as at from audit_events
          where action = 'backup.create' and outcome = 'success'`),
        ),
    );
    const keyed = Boolean(config.BACKUP_KEY);
    return {
      id: this.id,
      section: this.section,
      status: keyed ? "green" : "amber",
      reason: keyed ? "backup_key_set" : "backup_key_missing",
      figures: [
        { label: "backup_key", value: keyed },
        { label: "last_backup", value: r?.at ? new Date(r.at) : null },
      ],
      link: null,
    };
  },
};
