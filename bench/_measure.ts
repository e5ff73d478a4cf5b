// Tiny measurement helpers for bench scripts: medians over repeated runs and
// a table of ratios against a baseline measured in the same process.

export interface Measurement {
  name: string;
  /** Median wall time of one run, in milliseconds. */
  ms: number;
  runs: number;
  /** Optional work size, for rows/s. */
  rows?: number;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times; returns the median. */
export async function measure(
  name: string,
  fn: () => Promise<unknown>,
  opts: { runs?: number; warmup?: number; rows?: number } = {},
): Promise<Measurement> {
  const runs = opts.runs ?? 20;
  for (let i = 0; i < (opts.warmup ?? 3); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    ms: times[Math.floor(times.length / 2)],
    runs,
    rows: opts.rows,
  };
}

/** Prints measurements with their ratio to the named baseline. */
export function report(
  title: string,
  rows: Measurement[],
  baseline: string,
): void {
  const base = rows.find((r) => r.name === baseline);
  if (!base) throw new Error(`no baseline ${baseline}`);
  console.log(`\n${title}`);
  console.log(
    `${"case".padEnd(52)} ${"median ms".padStart(11)} ${
      "rows/s".padStart(10)
    } ${"× baseline".padStart(11)}`,
  );
  for (const r of rows) {
    const rate = r.rows ? Math.round(r.rows / (r.ms / 1000)).toString() : "";
    console.log(
      `${(r.name + (r === base ? " (baseline)" : "")).padEnd(52)} ${
        r.ms.toFixed(2).padStart(11)
      } ${rate.padStart(10)} ${(r.ms / base.ms).toFixed(2).padStart(11)}`,
    );
  }
}
