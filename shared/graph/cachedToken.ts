/** A token and when it stops being valid (epoch ms), as `@azure/identity` returns it. */
export interface ExpiringToken {
  readonly token: string;
  readonly expiresOnTimestamp: number;
}

/** Renew this long before expiry, as the identity SDK itself does (5 minutes). */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

/**
 * Where tokens come from. `renewed` must not answer from any cache: it is asked only after Graph refused the token
 * the identity last gave, and the identity SDK would give that same token back until it expires.
 */
export interface TokenSource {
  current(): Promise<ExpiringToken>;
  renewed(): Promise<ExpiringToken>;
}

/**
 * Keeps the Graph token between calls. The identity SDK caches too, but asking it costs a trip through MSAL's cache
 * on every Graph call (~0.3 ms of CPU each, seen in the sweep's profile); this asks only when the token is due for
 * renewal, or after Graph refused it. Concurrent callers share one request.
 */
export interface CachedToken {
  get(): Promise<string>;
  /** Forget `refused` (Graph refused it): the next `get` asks for a renewed token. A newer token is kept. */
  drop(refused: string): void;
}

export function cachedToken(source: TokenSource, now: () => number): CachedToken {
  let current: ExpiringToken | undefined;
  let pending: Promise<ExpiringToken> | undefined;
  let refused = false;
  return {
    async get() {
      if (current && current.expiresOnTimestamp - RENEW_BEFORE_MS > now()) return current.token;
      if (pending === undefined) {
        // A renewal that failed is asked for again next time: the cached token is still the refused one.
        const fetch = refused ? source.renewed().then((fresh) => ((refused = false), fresh)) : source.current();
        pending = fetch.finally(() => {
          pending = undefined;
        });
      }
      current = await pending;
      return current.token;
    },
    drop(token) {
      if (current?.token !== token) return;
      current = undefined;
      refused = true;
    },
  };
}
