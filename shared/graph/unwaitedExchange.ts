/** Graph's answer read whole. */
export interface FetchedAnswer {
  readonly response: Response;
  readonly body: Uint8Array;
}

/**
 * One HTTP exchange with Graph that the broker may stop waiting for without ending it. `answer` is what the caller
 * waits on (with its own timeout); `settled` resolves once Graph has answered or the connection has ended, whatever
 * the caller did — until then Graph may still be working on the call, so the workbook's turn is not given up.
 * The connection is ended (aborted) `holdMs` after it was opened at the latest, which bounds that hold.
 */
export interface UnwaitedExchange {
  readonly answer: Promise<FetchedAnswer>;
  readonly settled: Promise<void>;
}

export function startExchange(fetcher: typeof fetch, url: string, init: RequestInit, holdMs: number): UnwaitedExchange {
  const controller = new AbortController();
  const stop = setTimeout(() => controller.abort(new Error('The call was held past its bound.')), holdMs);
  stop.unref?.();
  const answer = fetcher(url, { ...init, signal: controller.signal }).then(async (response) => ({
    response,
    body: new Uint8Array(await response.arrayBuffer()),
  }));
  // Handles the answer's rejection too, so a failure nobody waits for any more is never an unhandled rejection.
  const settled = answer.then(
    () => clearTimeout(stop),
    () => clearTimeout(stop),
  );
  return { answer, settled };
}

/** `work`'s result, or `undefined` once `ms` have passed first (real time: it bounds a wait on the network). */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
