// Abuse control for the public /request form: fixed windows per client
// address and per e-mail address, counted in Deno KV so every instance
// sharing the KV agrees (read-modify-write under an atomic check). The
// e-mail is kept only as a hash in the key.
export interface IntakeLimits {
  perAddress: { max: number; windowMs: number };
  perEmail: { max: number; windowMs: number };
}

/** Five requests an hour from one address; three a day for one e-mail. */
export const DEFAULT_INTAKE_LIMITS: IntakeLimits = {
  perAddress: { max: 5, windowMs: 3_600_000 },
  perEmail: { max: 3, windowMs: 86_400_000 },
};

interface Window {
  count: number;
  startedAt: number;
}

/**
 * Counts one submission against `key`: 0 when allowed, else the
 * milliseconds until its window ends.
 */
export async function takeWindow(
  kv: Deno.Kv,
  key: Deno.KvKey,
  policy: { max: number; windowMs: number },
  now = Date.now(),
): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const entry = await kv.get<Window>(key);
    const old = entry.value;
    const fresh = !old || now - old.startedAt >= policy.windowMs;
    if (!fresh && old.count >= policy.max) {
      return old.startedAt + policy.windowMs - now;
    }
    const next: Window = fresh
      ? { count: 1, startedAt: now }
      : { count: old.count + 1, startedAt: old.startedAt };
    const res = await kv.atomic().check(entry).set(key, next, {
      expireIn: policy.windowMs,
    }).commit();
    if (res.ok) return 0;
  }
  throw new Error("could not count a request submission");
}

async function sha256(text: string): Promise<string> {
  const d = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** Counts a submission from `address` for `email`: 0, or ms to wait. */
export async function takeIntake(
  kv: Deno.Kv,
  address: string | null,
  email: string,
  limits: IntakeLimits = DEFAULT_INTAKE_LIMITS,
  now = Date.now(),
): Promise<number> {
  const byAddress = await takeWindow(
    kv,
    ["request_intake", "address", address ?? "unknown"],
    limits.perAddress,
    now,
  );
  if (byAddress > 0) return byAddress;
  return await takeWindow(
    kv,
    ["request_intake", "email", await sha256(email.trim().toLowerCase())],
    limits.perEmail,
    now,
  );
}
