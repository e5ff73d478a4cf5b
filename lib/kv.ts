// Opens Deno KV: a local SQLite file by default ($DATA_DIR/kv.sqlite3), a
// remote KV when KV_PATH is an http(s) URL, or memory for tests.
/** Opens KV at `path`, creating the parent directory of a local file. */
export async function openKv(path: string): Promise<Deno.Kv> {
  if (path !== ":memory:" && !/^https?:\/\//.test(path)) {
    const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  return await Deno.openKv(path);
}
