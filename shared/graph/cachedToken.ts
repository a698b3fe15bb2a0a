/** A token and when it stops being valid (epoch ms), as `@azure/identity` returns it. */
export interface ExpiringToken {
  readonly token: string;
  readonly expiresOnTimestamp: number;
}

/** Renew this long before expiry, as the identity SDK itself does (5 minutes). */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

/**
 * Keeps the Graph token between calls. The identity SDK caches too, but asking it costs a trip through MSAL's cache
 * on every Graph call (~0.3 ms of CPU each, seen in the sweep's profile); this asks only when the token is due for
 * renewal. Concurrent callers share one request.
 */
export interface CachedToken {
  get(): Promise<string>;
  /** Forget `refused` (Graph refused it): the next `get` asks the identity again. A newer token is kept. */
  drop(refused: string): void;
}

export function cachedToken(fetchToken: () => Promise<ExpiringToken>, now: () => number): CachedToken {
  let current: ExpiringToken | undefined;
  let pending: Promise<ExpiringToken> | undefined;
  return {
    async get() {
      if (current && current.expiresOnTimestamp - RENEW_BEFORE_MS > now()) return current.token;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      current = await pending;
      return current.token;
    },
    drop(refused) {
      if (current?.token === refused) current = undefined;
    },
  };
}
