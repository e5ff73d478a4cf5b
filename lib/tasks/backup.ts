// `deno task backup FILE`: writes an encrypted logical backup of the whole
// database (PGlite under $DATA_DIR/pg, or DATABASE_URL) to FILE, under the
// key in BACKUP_KEY (never stored beside the file). See lib/backup/.
import { ConfigError, loadConfig } from "../config.ts";
import { openDatabase } from "../../db/client.ts";
import { prepareDatabase } from "../setup.ts";
import { decodeBackupKey } from "../backup/container.ts";
import { BackupError, createBackup } from "../backup/backup.ts";

if (import.meta.main) {
  const started = performance.now();
  try {
    const file = Deno.args[0];
    if (!file || Deno.args.length !== 1) {
      throw new BackupError("usage: deno task backup FILE");
    }
    const config = loadConfig(Deno.env.toObject());
    if (!config.BACKUP_KEY) {
      throw new BackupError(
        "BACKUP_KEY is not set (32 random bytes, base64url; keep it apart from the backups)",
      );
    }
    const key = decodeBackupKey(config.BACKUP_KEY);
    const db = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      appPassword: config.DATABASE_APP_PASSWORD,
      pgliteDir: config.pgliteDir,
      poolSize: 2,
    });
    try {
      await prepareDatabase(db);
      const r = await createBackup({
        db,
        key,
        actor: `deno task backup (${Deno.env.get("USER") ?? "unknown user"})`,
      }, file);
      console.log(
        `Backup written: ${r.file} (${db.engine}, ${r.totalRows} rows, ${r.bytes} bytes, ${
          Math.round(performance.now() - started)
        } ms); expires ${r.expiresAt.toISOString()}; buyer personal data is not included.`,
      );
    } finally {
      await db.close();
    }
  } catch (err) {
    console.error(
      err instanceof ConfigError
        ? err.message
        : `backup failed: ${err instanceof Error ? err.message : String(err)}`,
    );
    Deno.exit(1);
  }
}
