// The embedded state's permissions (issue #11, "embedded database files are
// world-writable"). DATA_DIR holds the PGlite cluster, the KV file, the
// embedded vault key and disconnection archives: nobody but the portal's
// own user may read or write any of it. PGlite and SQLite create their files
// with the process umask (often 0644, and PGlite's WASM file system 0666),
// so at every start, before and after the database and KV are opened,
// DATA_DIR is made 0700 and everything inside it owner-only (directories
// 0700, files 0600). Any looser mode found is fixed and reported in one log
// line. On Windows, where POSIX modes do not exist, nothing is done.
import type { Logger } from "./log.ts";

export interface PermissionReport {
  /** Directories and files whose mode was loosened and is now owner-only. */
  fixed: number;
  /** A few of the fixed paths relative to DATA_DIR, for the log line. */
  examples: string[];
  checked: number;
}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Creates `dir` (mode 0700) if missing. */
export async function createDataDir(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: DIR_MODE });
}

/**
 * Makes `dir` and everything under it owner-only; returns what was fixed.
 * Symbolic links are neither followed nor changed.
 *
 * @example
 * const report = await restrictDataDir("./data");
 * // report.fixed === 0 when every mode was already owner-only
 */
export async function restrictDataDir(
  dir: string,
  extraFiles: readonly string[] = [],
): Promise<PermissionReport> {
  const report: PermissionReport = { fixed: 0, examples: [], checked: 0 };
  if (Deno.build.os === "windows") return report;
  const fix = async (path: string, mode: number, label: string) => {
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
    if (info.isSymlink) return info;
    report.checked++;
    const current = (info.mode ?? 0) & 0o777;
    // Group and other get nothing; the owner keeps what it needs.
    if ((current & 0o077) !== 0 || (current & mode) !== mode) {
      await Deno.chmod(path, mode);
      report.fixed++;
      if (report.examples.length < 5) {
        report.examples.push(
          `${label} ${current.toString(8).padStart(4, "0")}`,
        );
      }
    }
    return info;
  };
  const walk = async (path: string, rel: string): Promise<void> => {
    const info = await fix(path, DIR_MODE, rel || ".");
    if (!info?.isDirectory) return;
    for await (const entry of Deno.readDir(path)) {
      const child = `${path}/${entry.name}`;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(child, childRel);
      else if (entry.isFile) await fix(child, FILE_MODE, childRel);
    }
  };
  await walk(dir, "");
  for (const file of extraFiles) await fix(file, FILE_MODE, file);
  return report;
}

/** The KV file and its SQLite companions, when KV is a local file. */
export function kvFiles(kvPath: string): string[] {
  if (kvPath === ":memory:" || /^https?:\/\//.test(kvPath)) return [];
  return [kvPath, `${kvPath}-wal`, `${kvPath}-shm`];
}

/**
 * Restricts DATA_DIR (and a KV file kept elsewhere), logging one warning
 * line when a looser mode had to be fixed.
 */
export async function secureDataDir(
  dataDir: string,
  kvPath: string,
  log: Logger,
): Promise<PermissionReport> {
  await createDataDir(dataDir);
  const report = await restrictDataDir(dataDir, kvFiles(kvPath));
  if (report.fixed > 0) {
    log.warn("data_dir.permissions_fixed", {
      dataDir,
      fixed: report.fixed,
      examples: report.examples,
      now: "directories 0700, files 0600",
    });
  }
  return report;
}
