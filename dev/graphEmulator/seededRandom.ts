// Probabilistic faults must be repeatable, so they draw from this small deterministic PRNG (mulberry32)
// rather than Math.random. Quality is ample for "fail about 30% of calls"; it is not for anything secret.

/** A function returning floats in [0, 1) determined entirely by `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
