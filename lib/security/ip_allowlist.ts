// Data Policy §8 (network access restrictions): an optional allow-list of
// addresses and CIDR ranges for the staff area.

/** Whether `ip` falls in one of the entries (address or CIDR, v4 or v6). */
export function ipAllowed(
  ip: string | null,
  entries: readonly string[],
): boolean {
  if (!ip) return false;
  const addr = parse(ip);
  if (!addr) return false;
  return entries.some((entry) => {
    const [base, bitsText] = entry.split("/");
    const net = parse(base);
    if (!net || net.v6 !== addr.v6) return false;
    const width = addr.v6 ? 128 : 32;
    const bits = bitsText === undefined ? width : Number(bitsText);
    if (!(bits >= 0 && bits <= width)) return false;
    const shift = BigInt(width - bits);
    return (addr.value >> shift) === (net.value >> shift);
  });
}

/** Whether `text` is an IPv4 or IPv6 address (no range, no port). */
export function isIpAddress(text: string): boolean {
  return parse(text) !== null;
}

function parse(text: string): { v6: boolean; value: bigint } | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped) text = mapped[1];
  if (/^\d+\.\d+\.\d+\.\d+$/.test(text)) {
    const parts = text.split(".").map(Number);
    if (parts.some((p) => p > 255)) return null;
    return {
      v6: false,
      value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n),
    };
  }
  if (!text.includes(":")) return null;
  const [head, tail = ""] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = text.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = text.includes("::")
    ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t]
    : h;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) {
    return null;
  }
  return {
    v6: true,
    value: groups.reduce(
      (acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)),
      0n,
    ),
  };
}
