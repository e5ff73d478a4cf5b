// Opaque pagination tokens. Amazon's tokens are base64 and carry `+`, `/`
// and `=`, so a client that forgets to URL-encode them fails (facts §7.2,
// the most common NextToken bug); ours always start with "+/+/" for the same
// reason. A token is signed, names the seller it belongs to, the query it
// continues (a hash of the parameters that must not change) and when it was
// issued, so the sandbox can answer Amazon's 400s: not valid for these
// parameters, expired (24 h for Orders, 30 s for FBA inventory), tampered.
import { createHmac } from "node:crypto";

const PREFIX = [0xfb, 0xff, 0xbf]; // base64 "+/+/"
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What a token remembers. */
export interface TokenState {
  /** Seller the token was issued to. */
  s: string;
  /** Operation. */
  o: string;
  /** Hash of the parameters that must be repeated unchanged. */
  h: string;
  /** Issued at (epoch ms). */
  t: number;
  /** Where the next page starts (operation specific). */
  k: unknown;
}

/** Why a token was refused. */
export type TokenProblem = "malformed" | "foreign" | "mismatch" | "expired";

/**
 * Signs and checks pagination tokens of one sandbox.
 *
 * @example
 * const codec = new TokenCodec("secret");
 * const token = codec.encode({ s, o: "searchOrders", h, t: now, k: [ms, id] });
 * codec.decode(token, { s, o: "searchOrders", h, now, ttlMs: 86_400_000 });
 */
export class TokenCodec {
  readonly #secret: string;

  constructor(secret: string) {
    this.#secret = secret;
  }

  encode(state: TokenState): string {
    const body = JSON.stringify(state);
    const sig = this.#sign(body);
    const bytes = new Uint8Array([
      ...PREFIX,
      ...encoder.encode(`${body}~${sig}`),
    ]);
    return btoa(String.fromCharCode(...bytes));
  }

  /** The token's state, or why it cannot be used for this request. */
  decode(
    token: string,
    expect: { s: string; o: string; h?: string; now: number; ttlMs: number },
  ): TokenState | TokenProblem {
    let text: string;
    try {
      const bin = atob(token);
      const bytes = Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
      if (PREFIX.some((b, i) => bytes[i] !== b)) return "malformed";
      text = decoder.decode(bytes.subarray(PREFIX.length));
    } catch {
      return "malformed";
    }
    const cut = text.lastIndexOf("~");
    if (cut < 0) return "malformed";
    const body = text.slice(0, cut);
    if (this.#sign(body) !== text.slice(cut + 1)) return "malformed";
    let state: TokenState;
    try {
      state = JSON.parse(body);
    } catch {
      return "malformed";
    }
    if (state.s !== expect.s || state.o !== expect.o) return "foreign";
    if (expect.h !== undefined && state.h !== expect.h) return "mismatch";
    if (expect.now - state.t > expect.ttlMs) return "expired";
    return state;
  }

  #sign(body: string): string {
    return createHmac("sha256", this.#secret).update(body).digest("hex")
      .slice(0, 24);
  }
}

/** A stable hash of request parameters (order of keys and values ignored). */
export function paramsHash(params: Record<string, unknown>): string {
  const norm = Object.keys(params).filter((k) => params[k] !== undefined)
    .sort().map((k) => {
      const v = params[k];
      return [k, Array.isArray(v) ? [...v].map(String).sort() : v];
    });
  return createHmac("sha256", "params").update(JSON.stringify(norm)).digest(
    "hex",
  ).slice(0, 16);
}
