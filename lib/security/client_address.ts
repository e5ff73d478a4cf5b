// The client's address behind reverse proxies (issue #11, "behind a proxy").
// By default only the socket peer counts and X-Forwarded-For is ignored: any
// client can write that header. TRUSTED_PROXIES names the proxies whose
// X-Forwarded-For is believed, as a hop count or as address ranges; the
// client is then the nearest address that is not a trusted proxy.
import { ipAllowed, isIpAddress } from "./ip_allowlist.ts";

/** Which peers may tell us the client's address. */
export type TrustedProxies =
  /** Exactly this many proxies stand in front of the portal. */
  | { hops: number }
  /** Peers (and forwarded hops) inside these ranges are proxies. */
  | { ranges: readonly string[] };

/** One X-Forwarded-For entry without port or brackets, or null if not an address. */
function entryAddress(raw: string): string | null {
  let v = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracketed) v = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(v)) v = v.slice(0, v.indexOf(":"));
  return isIpAddress(v) ? v : null;
}

/**
 * The client address for a request from `peer` carrying `forwardedFor`.
 *
 * @example
 * clientAddress("10.0.0.2", "203.0.113.7, 10.0.0.9", { ranges: ["10.0.0.0/8"] })
 * // → "203.0.113.7"
 * clientAddress("198.51.100.1", "203.0.113.7", { ranges: ["10.0.0.0/8"] })
 * // → "198.51.100.1" (an untrusted peer's header is ignored)
 */
export function clientAddress(
  peer: string | null,
  forwardedFor: string | null | undefined,
  trusted: TrustedProxies | undefined,
): string | null {
  if (!peer || !trusted || !forwardedFor) return peer;
  // Nearest first: the peer, then X-Forwarded-For from right to left.
  const hops = forwardedFor.split(",").reverse();
  if ("hops" in trusted) {
    let address = peer;
    for (let i = 0; i < Math.min(trusted.hops, hops.length); i++) {
      const next = entryAddress(hops[i]);
      // A garbled entry ends the chain at the last address we could read.
      if (!next) break;
      address = next;
    }
    return address;
  }
  if (!ipAllowed(peer, trusted.ranges)) return peer;
  let address = peer;
  for (const hop of hops) {
    const next = entryAddress(hop);
    if (!next) break;
    address = next;
    if (!ipAllowed(next, trusted.ranges)) break;
  }
  return address;
}
