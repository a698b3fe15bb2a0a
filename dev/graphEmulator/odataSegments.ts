// How Graph's path segments are written: literals match case-insensitively, as OData routing does; a member of a
// collection is addressed `worksheets('Sheet1')`, `worksheets(Sheet1)` or `worksheets/Sheet1`, and functions take
// their arguments in parentheses (`range(address='A1:B2')`, `itemAt(index=3)`).

export function is(segment: string | undefined, literal: string): boolean {
  return segment?.toLowerCase() === literal.toLowerCase();
}

/** `name` alone, `name('key')` / `name(key)` / `name(id='key')` followed by more, or `name/key` followed by more. */
export function keyed(segments: string[], name: string): 'collection' | { key: string; rest: string[] } | undefined {
  const [first = '', second, ...more] = segments;
  if (is(first, name)) {
    if (second === undefined) return 'collection';
    return { key: second, rest: more };
  }
  const match = new RegExp(`^${name}\\((?:id=)?(.*)\\)$`, 'i').exec(first);
  if (match === null) return undefined;
  const key = odataString(match[1] ?? '');
  return key === undefined ? undefined : { key, rest: second === undefined ? [] : [second, ...more] };
}

/** The argument of `name(argument=…)`, quoted or bare; undefined when the segment is not that function. */
export function functionArgument(segment: string, name: string, argument: string): string | undefined {
  const match = new RegExp(`^${name}\\(${argument}=(.*)\\)$`, 'i').exec(segment);
  if (match === null) return undefined;
  const raw = match[1] ?? '';
  return raw.startsWith("'") ? odataString(raw) : raw || undefined;
}

/** `itemAt(index=3)`: the zero-based index, or undefined when the segment is not itemAt with an integer. */
export function itemAtIndex(segment: string): number | undefined {
  const raw = functionArgument(segment, 'itemAt', 'index');
  return raw !== undefined && /^[0-9]+$/.test(raw) ? Number(raw) : undefined;
}

// An OData string literal: quoted with ', a quote inside doubled. A bare key is taken as it is.
export function odataString(raw: string): string | undefined {
  if (!raw.startsWith("'")) return raw.length > 0 ? raw : undefined;
  if (raw.length < 2 || !raw.endsWith("'")) return undefined;
  const inner = raw.slice(1, -1);
  if (inner.replace(/''/g, '').includes("'")) return undefined;
  return inner.replace(/''/g, "'");
}
