/**
 * The request target as a URL on this host, its path tidied as the Functions host in Azure tidies it before any
 * function sees it; `undefined` when the target is not a path (Kestrel answers those 400). Three layers touch the
 * path there, and none of what they do lets it leave the route that then matches:
 *
 * - App Service's front ends turn a backslash, raw or encoded (`\`, `%5C`), into `/`, by design:
 *   https://github.com/dotnet/aspnetcore/issues/40532
 * - Kestrel percent-decodes the path (all but `%2F`) and then removes `.` and `..` segments (RFC 3986 §5.2.4), so
 *   `%2e%2e` is `..`: PathNormalizer.DecodePath in ASP.NET Core,
 *   https://github.com/dotnet/aspnetcore/blob/main/src/Servers/Kestrel/Core/src/Internal/Http/PathNormalizer.cs
 * - the Node worker builds the function's request from the URL it is handed with WHATWG URL rules (createStreamRequest
 *   in @azure/functions), which treat `\` as `/` and resolve `.`, `..` and `%2e` segments too.
 *
 * Node's URL parser, used here, does the last two; only `%5C` has to become `/` first. An encoded slash (`%2F`) is
 * left as it is: Kestrel keeps it, reports differ on the front ends
 * (https://github.com/Azure/azure-functions-host/issues/9290), and the broker refuses it (400) rather than guess.
 * The target is read as a path: `new URL('//x', base)` would take `x` for a host.
 */
export function readRequestTarget(target: string, host: string | undefined): URL | undefined {
  if (!target.startsWith('/')) return undefined;
  const queryAt = target.indexOf('?');
  const path = queryAt < 0 ? target : target.slice(0, queryAt);
  const query = queryAt < 0 ? '' : target.slice(queryAt);
  try {
    const origin = `http://${host && /^[\w.:[\]-]+$/.test(host) ? host : 'localhost'}`;
    return new URL(`${origin}${path.replace(/%5c/gi, '/')}${query}`);
  } catch {
    return undefined;
  }
}
