// Issue #18: what the portal sees of its own transport and backups, red for
// a seeded violation and green when fixed.
import assert from "node:assert/strict";
import { openTestApp } from "../_helpers/app.ts";
import { testEngine } from "../_helpers/test_db.ts";
import {
  backupEncryptionLine,
  databaseTlsLine,
  publicHttpsLine,
  smtpTlsLine,
} from "../../lib/compliance/transport.ts";
import type {
  EvidenceContext,
  EvidenceProvider,
} from "../../lib/compliance/registry.ts";
import { loadConfig } from "../../lib/config.ts";
import { ownerContext } from "./_context.ts";

async function status(
  p: EvidenceProvider,
  ctx: EvidenceContext,
  env: Record<string, string>,
) {
  const line = await p.evaluate({ ...ctx, config: loadConfig(env) });
  return `${line.status}:${line.reason}`;
}

Deno.test(`transport (${testEngine}): PUBLIC_URL on plain http to another host is red, https green`, async () => {
  await using s = await openTestApp();
  const ctx = await ownerContext(s);
  const red = await publicHttpsLine.evaluate({
    ...ctx,
    config: loadConfig({ PUBLIC_URL: "http://portal.example.com" }),
  });
  assert.equal(red.status, "red");
  assert.deepEqual(red.figures, [{
    label: "public_url",
    value: "http://portal.example.com",
  }]);
  assert.equal(
    await status(publicHttpsLine, ctx, {
      PUBLIC_URL: "https://portal.example.com",
    }),
    "green:https",
  );
  assert.equal(
    await status(publicHttpsLine, ctx, {}),
    "amber:http_loopback",
    "the default, on this machine",
  );
});

Deno.test(`transport (${testEngine}): plain SMTP is red; smtps or required STARTTLS is green; none is amber`, async () => {
  await using s = await openTestApp();
  const ctx = await ownerContext(s);
  const plain = await smtpTlsLine.evaluate({
    ...ctx,
    config: loadConfig({
      SMTP_URL: "smtp://mailer:not-a-real-password@mail.example.com:25",
    }),
  });
  assert.equal(plain.status, "red");
  assert.doesNotMatch(JSON.stringify(plain), /not-a-real-password|mailer/);
  assert.equal(
    await status(smtpTlsLine, ctx, { SMTP_URL: "smtps://mail.example.com" }),
    "green:smtps",
  );
  assert.equal(
    await status(smtpTlsLine, ctx, {
      SMTP_URL: "smtp://mail.example.com:587?requireTLS=true",
    }),
    "green:starttls_required",
  );
  assert.equal(
    await status(smtpTlsLine, ctx, {}),
    "amber:smtp_not_configured",
  );
});

Deno.test(`transport (${testEngine}): backups without BACKUP_KEY are amber, with one green`, async () => {
  await using s = await openTestApp();
  const ctx = await ownerContext(s);
  assert.equal(
    await status(backupEncryptionLine, ctx, {}),
    "amber:backup_key_missing",
  );
  assert.equal(
    await status(backupEncryptionLine, ctx, {
      BACKUP_KEY: btoa(String.fromCharCode(...new Uint8Array(32).fill(7)))
        .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""),
    }),
    "green:backup_key_set",
  );
});

Deno.test(`transport (${testEngine}): the database connection's TLS as the connection itself reports it`, async () => {
  await using s = await openTestApp();
  const ctx = await ownerContext(s);
  if (testEngine === "pglite") {
    assert.equal(
      await status(databaseTlsLine, ctx, {}),
      "green:database_in_process",
    );
    return;
  }
  // The test server takes plain connections on 127.0.0.1: amber there, red
  // for the same plain connection to another host.
  assert.equal(
    await status(databaseTlsLine, ctx, {
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres",
    }),
    "amber:database_plain_loopback",
  );
  assert.equal(
    await status(databaseTlsLine, ctx, {
      DATABASE_URL: "postgres://postgres@db.example.com:5432/postgres",
    }),
    "red:database_plain",
  );
});
