// Issue #17, e-mail: messages go through a real SMTP server started by the
// test (npm smtp-server) and are read back (npm mailparser) in both
// languages; with the server down they wait, with backoff, and when it is up
// again every one arrives exactly once: nothing lost. Without SMTP_URL the
// staff outbox page shows what would have been sent.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
// @ts-types="@types/smtp-server"
import { SMTPServer } from "smtp-server";
// @ts-types="@types/mailparser"
import { simpleParser } from "mailparser";
import { rowsOf } from "../../db/client.ts";
import { backoffMs, deliverDue } from "../../lib/mail/outbox.ts";
import { smtpTransport } from "../../lib/mail/transport.ts";
import { asRequestsSystem } from "../../lib/requests/scope.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { form, get, openWorld, outbox, submission } from "./_world.ts";

interface Received {
  to: string;
  subject: string;
  text: string;
}

/** An SMTP server on 127.0.0.1:`port` (0: any) that keeps what it receives. */
async function startSmtp(
  received: Received[],
  port = 0,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
        received.push({
          to: to?.value[0]?.address ?? "",
          subject: mail.subject ?? "",
          text: mail.text ?? "",
        });
        callback();
      }, (err) => callback(err as Error));
    },
  });
  await new Promise<void>((resolve) =>
    server.listen(port, "127.0.0.1", resolve)
  );
  const address = server.server.address() as { port: number };
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (taken, then released). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test(`mail (${testEngine}): delivered over real SMTP in the requester's language, read back; the link in it works`, async () => {
  const w = await openWorld();
  const received: Received[] = [];
  const smtp = await startSmtp(received);
  const transport = smtpTransport(
    `smtp://127.0.0.1:${smtp.port}`,
    "Custodian <no-reply@example.test>",
  );
  try {
    await form(w.s, "/request", submission(), { ip: "192.0.2.51" });
    await form(
      w.s,
      "/request",
      submission({
        email: "li.wei@example.test",
        name: "李伟",
        type: "question",
        relationship: "other",
        orderId: "",
        marketplace: "",
        description: "数据保存多久？",
      }),
      { ip: "192.0.2.52", lang: "zh-CN" },
    );
    const report = await deliverDue({ db: w.s.t.db, transport });
    assert.deepEqual(report, { sent: 2, retried: 0, failed: 0 });
    assert.equal(received.length, 2);
    const en = received.find((m) => m.to === "jane.buyer@example.test")!;
    assert.match(en.subject, /^Confirm your data request DR-/);
    assert.match(en.text, /Hello Jane Q\. Buyer/);
    const link = /http:\/\/127\.0\.0\.1:8000(\/request\/verify\/\S+)/.exec(
      en.text,
    )![1];
    const zh = received.find((m) => m.to === "li.wei@example.test")!;
    assert.match(zh.subject, /^请确认您的数据请求 DR-/);
    assert.match(zh.text, /李伟，您好/);
    // Nothing is sent twice.
    assert.deepEqual(await deliverDue({ db: w.s.t.db, transport }), {
      sent: 0,
      retried: 0,
      failed: 0,
    });
    // The link read back from the message confirms the request.
    const verified = await form(w.s, link, {});
    assert.equal(verified.status, 200);
    await deliverDue({ db: w.s.t.db, transport });
    assert.equal(received.length, 3);
    assert.match(received[2].subject, /is confirmed$/);
    assert.match(received[2].text, /\/request\/status\//);
  } finally {
    transport.close();
    await smtp.close();
    await w.s[Symbol.asyncDispose]();
  }
});

Deno.test(`mail (${testEngine}): the server down, then up: retried with backoff, shown on the request, nothing lost`, async () => {
  const w = await openWorld();
  const port = freePort();
  const transport = smtpTransport(
    `smtp://127.0.0.1:${port}`,
    "Custodian <no-reply@example.test>",
  );
  const received: Received[] = [];
  let smtp: { close(): Promise<void> } | null = null;
  try {
    for (
      const [i, ip] of ["192.0.2.61", "192.0.2.62", "192.0.2.63"].entries()
    ) {
      await form(
        w.s,
        "/request",
        submission({ email: `person${i}@example.test` }),
        { ip },
      );
    }
    let now = new Date();
    const down = await deliverDue({ db: w.s.t.db, transport, now: () => now });
    assert.deepEqual(down, { sent: 0, retried: 3, failed: 0 });
    const rows = await asRequestsSystem(
      w.s.t.db,
      async (tx) =>
        rowsOf<
          {
            attempts: number;
            last_error: string;
            state: string;
            request_id: string;
          }
        >(
          await tx.execute(sql`select attempts, last_error, state,
          request_id::text from mail_outbox`),
        ),
    );
    assert.ok(rows.every((r) => r.attempts === 1 && r.state === "pending"));
    assert.ok(rows.every((r) => /^[A-Z_]+/.test(r.last_error)));
    // Staff see the failed attempt on the request.
    const page = await (await get(w.s, `/requests/${rows[0].request_id}`, {
      cookie: w.owner.cookie,
    })).text();
    assert.match(page, /data-mail-state="pending"/);
    assert.match(page, /ECONNREFUSED|SEND_FAILED|ESOCKET|ECONNECTION/);
    // Before the backoff has run, nothing is tried again.
    assert.deepEqual(
      await deliverDue({ db: w.s.t.db, transport, now: () => now }),
      {
        sent: 0,
        retried: 0,
        failed: 0,
      },
    );
    smtp = await startSmtp(received, port);
    now = new Date(now.getTime() + backoffMs(1) + 1000);
    const up = await deliverDue({ db: w.s.t.db, transport, now: () => now });
    assert.deepEqual(up, { sent: 3, retried: 0, failed: 0 });
    assert.deepEqual(
      received.map((m) => m.to).sort(),
      ["person0@example.test", "person1@example.test", "person2@example.test"],
    );
    assert.ok((await outbox(w)).every((m) => m.state === "sent"));
    assert.equal(backoffMs(2), 2 * backoffMs(1));
    assert.equal(backoffMs(30), 6 * 3_600_000);
  } finally {
    transport.close();
    await smtp?.close();
    await w.s[Symbol.asyncDispose]();
  }
});

Deno.test(`mail (${testEngine}): without SMTP_URL nothing is sent and the outbox page shows what would have been`, async () => {
  const w = await openWorld();
  try {
    await form(w.s, "/request", submission(), { ip: "192.0.2.71" });
    assert.deepEqual(await deliverDue({ db: w.s.t.db, transport: null }), {
      sent: 0,
      retried: 0,
      failed: 0,
    });
    const res = await get(w.s, "/requests/outbox", { cookie: w.owner.cookie });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /No mail server is configured/);
    assert.match(html, /Confirm your data request DR-/);
    assert.match(html, /\/request\/verify\//);
    // Not for anyone without requests.manage.
    assert.equal(
      (await get(w.s, "/requests/outbox", { cookie: w.support.cookie })).status,
      403,
    );
  } finally {
    await w.s[Symbol.asyncDispose]();
  }
});
