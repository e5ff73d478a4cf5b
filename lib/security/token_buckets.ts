// Token buckets per key (an address), in memory: each key may spend
// `capacity` at once and earns one token back every `60 / perMinute` s.
// Bounded: at most `maxKeys` keys are remembered (the least recently used go
// first; a forgotten key starts full again, which errs on the side of letting
// people in).

interface Bucket {
  tokens: number;
  at: number;
}

export interface TokenBucketOptions {
  /** Tokens earned per minute; also the burst size. */
  perMinute: number;
  maxKeys?: number;
  now?: () => number;
}

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #capacity: number;
  readonly #msPerToken: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(opts: TokenBucketOptions) {
    this.#capacity = opts.perMinute;
    this.#msPerToken = 60_000 / opts.perMinute;
    this.#maxKeys = opts.maxKeys ?? 10_000;
    this.#now = opts.now ?? Date.now;
  }

  #refill(key: string): Bucket {
    const now = this.#now();
    const old = this.#buckets.get(key);
    const bucket = old
      ? {
        tokens: Math.min(
          this.#capacity,
          old.tokens + (now - old.at) / this.#msPerToken,
        ),
        at: now,
      }
      : { tokens: this.#capacity, at: now };
    // Re-insert, so the Map's order is least recently used first.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    while (this.#buckets.size > this.#maxKeys) {
      this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    return bucket;
  }

  /**
   * Spends one token of `key`: 0 when it had one, else the milliseconds
   * until it will.
   */
  take(key: string): number {
    const bucket = this.#refill(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) * this.#msPerToken);
  }

  /** Gives back a token taken by `take` (the request turned out to be welcome). */
  refund(key: string): void {
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.#capacity, bucket.tokens + 1);
  }
}
