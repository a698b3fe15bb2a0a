import { badRequest, GraphError } from './graphError';
import { is } from './odataSegments';
import { routeWorkbook, type Method, type RouteParams, type Target } from './routeWorkbook';
import type { CallOp } from './types';

// Only the canonical drive addresses are emulated: `/v1.0/drives/{driveId}/items/{itemId}/workbook/...` for a
// workbook — what every Graph SDK generates and what the broker uses — and the drive, its root and an item with
// their children (drive-get, driveitem-get, driveitem-list-children), which file pickers browse. Segments are
// split *before* percent-decoding so that an item id containing %2F stays one segment.

export interface GraphRoute extends RouteParams {
  /** What the path and method name; for a 405 the path's first operation, for a 400 'unknown'. */
  op: CallOp;
  driveId?: string;
  itemId?: string;
  /** For a drive item call: the drive's root rather than an item id. */
  root?: boolean;
  /** The decoded path after `workbook/`, as fault rules match it. */
  workbookPath?: string;
  /** Set when the request is not a route (400) or uses the wrong method (405): answered after authentication. */
  error?: GraphError;
}

/** Routes a raw request path (no query string) for a method. Never throws. */
export function parseGraphPath(rawPath: string, method = 'GET'): GraphRoute {
  const segments: string[] = [];
  for (const raw of rawPath.split('/').slice(1)) {
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return { op: 'unknown', error: badRequest('The URL path contains invalid percent-encoding.') };
    }
  }
  const [version, drives, driveId, ...afterDrive] = segments;
  if (version !== 'v1.0') return { op: 'unknown', error: badRequest(`Invalid version: ${version ?? ''}`) };
  const unknown = (segment: string | undefined, ids: Partial<GraphRoute> = {}): GraphRoute => ({
    op: 'unknown',
    ...ids,
    error: badRequest(`Resource not found for the segment '${segment ?? segments[segments.length - 1] ?? ''}'.`),
  });
  if (!is(drives, 'drives') || !driveId) return unknown(drives);
  const [items, itemId, workbook, ...rest] = afterDrive;
  if (is(items, 'root')) {
    const children = routeChildren(afterDrive.slice(1), 'getDriveItem');
    return typeof children === 'string'
      ? unknown(children, { driveId })
      : withMethod({ driveId, root: true }, children, method);
  }
  if (items === undefined) return withMethod({ driveId }, { methods: { GET: 'getDrive' } }, method);
  const ids = { driveId, ...(itemId ? { itemId } : {}) };
  if (!is(items, 'items') || !itemId) return unknown(items, ids);
  if (!is(workbook, 'workbook')) {
    const children = routeChildren(afterDrive.slice(2), 'getDriveItem');
    return typeof children === 'string' ? unknown(children, ids) : withMethod(ids, children, method);
  }
  if (rest.length === 0) return unknown(workbook, ids);
  const target = routeWorkbook(rest);
  if (typeof target === 'string') return unknown(target, ids);
  return withMethod({ ...ids, workbookPath: rest.join('/') }, target, method);
}

// `…/root` or `…/items/{id}` alone is the item; followed by `children`, its children.
function routeChildren(rest: string[], itself: CallOp): Target | string {
  const [first, second] = rest;
  if (first === undefined) return { methods: { GET: itself } };
  if (is(first, 'children')) return second ?? { methods: { GET: 'listDriveChildren' } };
  return first;
}

function withMethod(base: Partial<GraphRoute>, target: Target, method: string): GraphRoute {
  const { methods, ...params } = target;
  const route = { ...base, ...params };
  const op = methods[method as Method];
  if (op !== undefined) return { op, ...route };
  const allowed = Object.keys(methods).join(', ');
  const message = `The HTTP method '${method}' is not allowed on this resource; use ${allowed}.`;
  const first = Object.values(methods)[0] ?? 'unknown';
  return {
    op: first,
    ...route,
    error: new GraphError(405, 'methodNotAllowed', message, undefined, { Allow: allowed }),
  };
}
