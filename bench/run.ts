// `deno task bench`: runs each bench script in its own process (so one
// engine's memory does not colour the next) and prints their ratio tables.
const SCRIPTS = ["start.ts", "write.ts", "rls.ts", "ingest.ts", "sync.ts"];
const only = Deno.args.length ? Deno.args : SCRIPTS;

let failed = false;
for (const script of only) {
  console.log(`\n=== bench/${script}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(script, import.meta.url).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) failed = true;
}
Deno.exit(failed ? 1 : 0);
