const ROUTE_PREFIX = '/api/';

/**
 * The part of a request path the host routes (after `/api/`), or `undefined` when the path is not under the route
 * prefix. ASP.NET Core routing, which the Functions host uses, compares the prefix without regard to case.
 */
export function underRoutePrefix(pathname: string): string | undefined {
  return pathname.slice(0, ROUTE_PREFIX.length).toLowerCase() === ROUTE_PREFIX
    ? pathname.slice(ROUTE_PREFIX.length)
    : undefined;
}
