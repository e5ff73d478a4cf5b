// Per-store, per-dataset leases in Deno KV: one run of a dataset for a store
// at a time across every instance sharing the KV. The holder renews its
// lease (the runner's heartbeat); a crashed holder's lease simply expires.
// Time is the caller's clock, so a test moves it past a lease instead of
// waiting for it.

/** The KV key of the lease of `dataset` for `storeId`. */
export const leaseKey = (storeId: string, dataset: string) =>
  ["sync_lease", storeId, dataset] as const;

export interface Lease {
  owner: string;
  /** Epoch ms, on the clock of whoever took or renewed it. */
  until: number;
  /** The sync run the holder works on, when it is a queued run. */
  runId?: string;
}

/** The lease on `key` while it is held (not expired), else null. */
export async function heldLease(
  kv: Deno.Kv,
  key: readonly string[],
  now: number,
): Promise<Lease | null> {
  const cur = await kv.get<Lease>(key);
  return cur.value && cur.value.until > now ? cur.value : null;
}

/** Takes the lease when free or expired; null when another holder has it. */
export async function takeLease(
  kv: Deno.Kv,
  key: readonly string[],
  owner: string,
  ms: number,
  now: number,
  runId?: string,
): Promise<Lease | null> {
  const cur = await kv.get<Lease>(key);
  if (cur.value && cur.value.until > now && cur.value.owner !== owner) {
    return null;
  }
  const lease: Lease = runId
    ? { owner, until: now + ms, runId }
    : { owner, until: now + ms };
  const res = await kv.atomic().check(cur).set(key, lease, { expireIn: ms })
    .commit();
  return res.ok ? lease : null;
}

/** Extends our lease; false when it was lost to another holder. */
export async function renewLease(
  kv: Deno.Kv,
  key: readonly string[],
  owner: string,
  ms: number,
  now: number,
  runId?: string,
): Promise<boolean> {
  const cur = await kv.get<Lease>(key);
  if (cur.value && cur.value.owner !== owner && cur.value.until > now) {
    return false;
  }
  const lease: Lease = runId
    ? { owner, until: now + ms, runId }
    : { owner, until: now + ms };
  const res = await kv.atomic().check(cur).set(key, lease, { expireIn: ms })
    .commit();
  return res.ok;
}

/** Gives our lease up (nothing when another holder has it by now). */
export async function releaseLease(
  kv: Deno.Kv,
  key: readonly string[],
  owner: string,
): Promise<void> {
  const cur = await kv.get<Lease>(key);
  if (cur.value?.owner !== owner) return;
  await kv.atomic().check(cur).delete(key).commit();
}
