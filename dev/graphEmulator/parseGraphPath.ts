import { badRequest, type GraphError } from './graphError';
import type { CallOp } from './types';

// Only the canonical item address `/v1.0/drives/{driveId}/items/{itemId}/workbook/...` is emulated: it is what
// every Graph SDK generates and what the broker uses. Segments are split *before* percent-decoding so that an
// item id containing %2F stays one segment. Literal segments match case-insensitively, as OData routing does.

export interface GraphRoute {
  op: CallOp;
  /** The method the route answers to; another one is 405. */
  method?: 'GET' | 'POST';
  driveId?: string;
  itemId?: string;
  operationId?: string;
  resourceKey?: string;
  /** Set when the path is not a route: the 400 to answer (after authentication, as Graph does). */
  error?: GraphError;
}

const posts: ReadonlyMap<string, CallOp> = new Map([
  ['createsession', 'createSession'],
  ['refreshsession', 'refreshSession'],
  ['closesession', 'closeSession'],
]);
const sessionInfoPattern = /^sessionInfoResource\(key='([^']+)'\)$/i;

/** Routes a raw request path (no query string). Never throws. */
export function parseGraphPath(rawPath: string): GraphRoute {
  const segments: string[] = [];
  for (const raw of rawPath.split('/').slice(1)) {
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return { op: 'unknown', error: badRequest('The URL path contains invalid percent-encoding.') };
    }
  }
  const [version, drives, driveId, items, itemId, workbook, action, extra, ...rest] = segments;
  if (version !== 'v1.0') return { op: 'unknown', error: badRequest(`Invalid version: ${version ?? ''}`) };

  const unknownSegment = (segment: string | undefined): GraphRoute => ({
    op: 'unknown',
    ...(driveId ? { driveId } : {}),
    ...(itemId ? { itemId } : {}),
    error: badRequest(`Resource not found for the segment '${segment ?? segments[segments.length - 1] ?? ''}'.`),
  });
  if (!is(drives, 'drives')) return unknownSegment(drives);
  if (!driveId) return unknownSegment(drives);
  if (!is(items, 'items')) return unknownSegment(items);
  if (!itemId) return unknownSegment(items);
  if (!is(workbook, 'workbook')) return unknownSegment(workbook);
  if (action === undefined || rest.length > 0) return unknownSegment(rest[0] ?? action);

  const post = posts.get(action.toLowerCase());
  if (post !== undefined && extra === undefined) return { op: post, method: 'POST', driveId, itemId };
  if (is(action, 'operations') && extra) {
    return { op: 'getOperation', method: 'GET', driveId, itemId, operationId: extra };
  }
  const key = sessionInfoPattern.exec(action)?.[1];
  if (key !== undefined && extra === undefined) {
    return { op: 'getSessionInfo', method: 'GET', driveId, itemId, resourceKey: key };
  }
  return unknownSegment(extra ?? action);
}

function is(segment: string | undefined, literal: string): boolean {
  return segment?.toLowerCase() === literal;
}
