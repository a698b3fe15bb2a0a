/**
 * Matches a request path against a Functions route template such as `drives/{driveId}/items/{itemId}/x`. Like the
 * Functions host (ASP.NET Core routing), literal segments compare case-insensitively and each `{name}` takes one
 * whole, percent-decoded segment. A segment that does not decode is passed on raw, so the function's own input
 * checks refuse it (its `%` is not an id character) instead of the router guessing. An empty segment (`a//b`) is a
 * segment too, and matches nothing: collapsing it would hand a function ids from the wrong places. One trailing
 * slash is tolerated, as ASP.NET routing does. A last `{*name}` is a catch-all: it takes the rest of the path,
 * slashes and all, possibly nothing (the function reads the raw path from the URL when it needs it).
 */
export function matchRoute(template: string, path: string): Record<string, string> | undefined {
  const expected = template.split('/');
  const catchAll = /^\{\*(\w+)\}$/.exec(expected[expected.length - 1] ?? '')?.[1];
  if (catchAll !== undefined) {
    const fixed = expected.slice(0, -1);
    const actual = path.split('/');
    const head = matchRoute(fixed.join('/'), actual.slice(0, fixed.length).join('/'));
    if (head === undefined || actual.length < fixed.length) return undefined;
    return { ...head, [catchAll]: decodeSegment(actual.slice(fixed.length).join('/')) };
  }
  const actual = path.replace(/\/$/, '').split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < expected.length; index += 1) {
    const want = expected[index] as string;
    const got = actual[index] as string;
    const parameter = /^\{(\w+)\}$/.exec(want);
    if (got === '') return undefined;
    if (parameter?.[1]) params[parameter[1]] = decodeSegment(got);
    else if (want.toLowerCase() !== got.toLowerCase()) return undefined;
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
