/**
 * The request target as a URL on this host, or `undefined` when it is not a path (Kestrel answers those 400). It is
 * read as a path: `new URL('//x', base)` would take `x` for a host.
 */
export function readRequestTarget(target: string, host: string | undefined): URL | undefined {
  if (!target.startsWith('/')) return undefined;
  try {
    return new URL(`http://${host && /^[\w.:[\]-]+$/.test(host) ? host : 'localhost'}${target}`);
  } catch {
    return undefined;
  }
}
