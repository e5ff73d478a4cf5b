// Issue #11, "embedded database files are world-writable": DATA_DIR is
// 0700 and everything in it owner-only, fixed at start with one log line.
import assert from "node:assert/strict";
import { openDatabase } from "../../db/client.ts";
import { createDataDir, secureDataDir } from "../../lib/data_dir.ts";
import { createLogger } from "../../lib/log.ts";
import { openKv } from "../../lib/kv.ts";

const posix = Deno.build.os !== "windows";

async function modes(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (path: string, rel: string) => {
    const info = await Deno.lstat(path);
    if (info.isSymlink) return; // a link's own mode means nothing
    out.set(rel || ".", (info.mode ?? 0) & 0o777);
    if (!info.isDirectory) return;
    for await (const e of Deno.readDir(path)) {
      await walk(`${path}/${e.name}`, rel ? `${rel}/${e.name}` : e.name);
    }
  };
  await walk(dir, "");
  return out;
}

const loose = (m: Map<string, number>) =>
  [...m].filter(([, mode]) => (mode & 0o077) !== 0).map(([p, mode]) =>
    `${p} ${mode.toString(8)}`
  );

Deno.test({
  name: "a looser DATA_DIR is made owner-only, with one log line",
  ignore: !posix,
  fn: async () => {
    const root = await Deno.makeTempDir();
    try {
      const dir = `${root}/data`;
      await Deno.mkdir(`${dir}/pg/base`, { recursive: true });
      await Deno.chmod(dir, 0o777);
      await Deno.chmod(`${dir}/pg`, 0o755);
      await Deno.writeTextFile(`${dir}/pg/base/1`, "x");
      await Deno.chmod(`${dir}/pg/base/1`, 0o666);
      await Deno.writeTextFile(`${dir}/vault.key`, "[]", { mode: 0o600 });
      await Deno.symlink("/etc/hostname", `${dir}/link`);
      const lines: string[] = [];
      const log = createLogger({ sink: (l) => lines.push(l) });
      const report = await secureDataDir(dir, `${dir}/kv.sqlite3`, log);
      assert.ok(report.fixed >= 4, JSON.stringify(report));
      const after = await modes(dir);
      assert.deepEqual(loose(after), []);
      assert.equal(after.get("."), 0o700);
      assert.equal(after.get("pg/base/1"), 0o600);
      assert.equal(lines.length, 1);
      assert.match(lines[0], /data_dir\.permissions_fixed/);
      // Already tight: nothing to fix, nothing logged.
      const again = await secureDataDir(dir, `${dir}/kv.sqlite3`, log);
      assert.equal(again.fixed, 0);
      assert.equal(lines.length, 1);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "start-up order: DATA_DIR created 0700, PGlite and KV files owner-only",
  ignore: !posix,
  fn: async () => {
    const root = await Deno.makeTempDir();
    try {
      const dir = `${root}/fresh/data`;
      await createDataDir(dir);
      assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
      const db = await openDatabase({ pgliteDir: `${dir}/pg` });
      const kv = await openKv(`${dir}/kv.sqlite3`);
      await kv.set(["probe"], 1);
      try {
        await secureDataDir(
          dir,
          `${dir}/kv.sqlite3`,
          createLogger({ sink: () => {} }),
        );
        const after = await modes(dir);
        assert.ok(after.size > 20, "PGlite wrote its cluster");
        assert.deepEqual(loose(after), []);
      } finally {
        kv.close();
        await db.close();
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
