import { ROUTE_PREFIX } from '../shared/brokerUrls';

const PREFIX = `/${ROUTE_PREFIX}/`;

/**
 * The part of a request path the host routes (after `/api/`), or `undefined` when the path is not under the route
 * prefix. ASP.NET Core routing, which the Functions host uses, compares the prefix without regard to case.
 */
export function underRoutePrefix(pathname: string): string | undefined {
  return pathname.slice(0, PREFIX.length).toLowerCase() === PREFIX ? pathname.slice(PREFIX.length) : undefined;
}
