import { BadRequestError } from '../errors';

/**
 * A request URL read as a workbook path, once per call (shared/routes/workbookRoutes.ts reads it and hands it on):
 * the raw segments after `…/drives/{driveId}/items/{itemId}/workbook/` — the first `workbook` at that place, whatever
 * the route prefix — and the raw query, without `?`. Unchecked: routing reads it, parseWorkbookPath checks it.
 */
export interface WorkbookTarget {
  readonly segments: readonly string[];
  readonly query: string;
}

/**
 * What a forwarded call names after `…/workbook/`: the path exactly as the caller sent it (its percent-encoding
 * untouched, so Graph decodes it once, as it would have) and the query string. It must stay a workbook path: no
 * empty, `.` or `..` segment (raw or percent-encoded), no backslash, no encoded `/` or `\`, no control character —
 * so nothing is ever forwarded outside `/drives/{driveId}/items/{itemId}/workbook/`. The Functions host may have
 * tidied plain dot segments away before the function sees the URL; whatever arrives is checked here.
 */
export interface WorkbookPath {
  /** Raw, e.g. `worksheets('Q1%20Sales')/range(address='A1:B2')`. */
  readonly path: string;
  /** Raw, without `?`; empty when there is none. */
  readonly query: string;
}

/**
 * A request URL read as a drive item's path, once per call: the raw segments after `…/drives/{driveId}/items/{itemId}/`
 * and the raw query, without `?` — the gateway's `workbook/…` and the broker's own `broker/drives/…` operations
 * (shared/routes/brokerRoutes.ts) alike. `undefined` when the URL names no drive item.
 */
export function readItemTarget(url: string): WorkbookTarget | undefined {
  const target = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/#.*$/, '');
  const mark = target.indexOf('?');
  const segments = (mark < 0 ? target : target.slice(0, mark)).split('/');
  for (let i = 0; i + 3 < segments.length; i += 1) {
    if (is(segments[i], 'drives') && is(segments[i + 2], 'items')) {
      return { segments: segments.slice(i + 4), query: mark < 0 ? '' : target.slice(mark + 1) };
    }
  }
  return undefined;
}

/** `undefined` when the URL names no workbook path at all. */
export function readWorkbookTarget(url: string): WorkbookTarget | undefined {
  const item = readItemTarget(url);
  if (item === undefined || !is(item.segments[0], 'workbook')) return undefined;
  return { segments: item.segments.slice(1), query: item.query };
}

export function parseWorkbookPath(target: WorkbookTarget | undefined): WorkbookPath {
  if (target === undefined) throw new BadRequestError('The path is not a workbook path.');
  const { segments, query } = target;
  if (segments.length === 0 || segments.some((segment) => !isSafeSegment(segment))) {
    throw new BadRequestError(
      'The workbook path has an empty, "." or ".." segment, a backslash, an encoded slash or a control character.',
    );
  }
  // eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
  if (/[\u0000-\u001f\u007f]/.test(query)) throw new BadRequestError('The query string has a control character.');
  return { path: segments.join('/'), query: withoutFunctionKey(query) };
}

/**
 * The query as Graph gets it: without `code`, where the Functions host takes a function key
 * (https://learn.microsoft.com/azure/azure-functions/function-keys-how-to) — a key is for the broker's door, never for
 * Graph, and never part of what makes two writes "the same request". The rest keeps its exact encoding and order.
 */
export function withoutFunctionKey(query: string): string {
  if (query === '') return query;
  return query
    .split('&')
    .filter((pair) => pair.split('=')[0]?.toLowerCase() !== 'code')
    .join('&');
}

function isSafeSegment(raw: string): boolean {
  // eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
  if (raw.length === 0 || /[\\\u0000-\u001f\u007f]/.test(raw)) return false;
  if (/%(2f|5c|[01][0-9a-f]|7f)/i.test(raw)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return false;
  }
  return decoded !== '.' && decoded !== '..';
}

function is(segment: string | undefined, literal: string): boolean {
  return segment?.toLowerCase() === literal;
}

/**
 * A workbook path given as plain text — the advanced action's `path` query parameter, e.g.
 * `worksheets/Q1 Sales/range(address='A1:B2')?$select=values` — as the target a URL would carry: each segment
 * percent-encoded as a URL path holds it, the query after the first `?` as a query string holds it. Text that would
 * leave the workbook (`..`, `\`) stays recognisable, so parseWorkbookPath refuses it exactly as on the gateway.
 */
export function workbookTargetFromText(text: string): WorkbookTarget {
  const mark = text.indexOf('?');
  const path = mark < 0 ? text : text.slice(0, mark);
  try {
    return {
      segments: path.split('/').map(encodePathSegment),
      query: mark < 0 ? '' : encodeQueryText(text.slice(mark + 1)),
    };
  } catch {
    throw new BadRequestError('The workbook path is not valid text.');
  }
}

// A query as written: what a query may hold as it is (RFC 3986's pchar, `/` and `?`) and `%XX` escapes stay, so a
// value can carry an `&` or `=` as `%26` or `%3D`; anything else — a space, `#`, non-ASCII — is percent-encoded.
function encodeQueryText(query: string): string {
  return query.replace(/%[0-9A-Fa-f]{2}|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]+/g, (run) =>
    run.startsWith('%') && run.length === 3 ? run : encodeURIComponent(run),
  );
}

// RFC 3986 lets a path segment hold its sub-delimiters, ':' and '@' as they are; OData's `range(address='A1')` needs
// them so. Anything else outside the unreserved set is percent-encoded, a backslash included (and so refused).
function encodePathSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(3D|2C|3A|3B|24|2B|40|26)/gi, (escaped) => decodeURIComponent(escaped));
}
