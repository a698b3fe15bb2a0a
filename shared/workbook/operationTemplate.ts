/**
 * A forwarded call's name for telemetry: the path's shape with every id, name, address and value taken out, from a
 * fixed vocabulary — `worksheets('Q1')/range(address='A1')` is `worksheets/range`, `tables/Sales/rows/add` is
 * `tables/rows/add`. Bounded by construction, so a dependency name never carries a caller's data.
 */
const words = [
  'application',
  'calculate',
  'charts',
  'add',
  'axes',
  'series',
  'format',
  'image',
  'setData',
  'setPosition',
  'columns',
  'rows',
  'itemAt',
  'count',
  'range',
  'usedRange',
  'cell',
  'entireColumn',
  'entireRow',
  'visibleView',
  'worksheets',
  'tables',
  'names',
  'functions',
  'operations',
  'sort',
  'apply',
  'clear',
  'delete',
  'insert',
  'merge',
  'unmerge',
  'filter',
  'dataBodyRange',
  'headerRowRange',
  'totalRowRange',
  'convertToRange',
  'clearFilters',
  'reapplyFilters',
  'protection',
  'protect',
  'unprotect',
  'font',
  'fill',
  'borders',
  'columnsAfter',
  'rowsBelow',
  'lastCell',
  'lastColumn',
  'lastRow',
  'offsetRange',
  'resizedRange',
  'intersection',
  'boundingRect',
  'comments',
  'tableRowOperationResult',
  'sessionInfoResource',
  'createSession',
  'refreshSession',
  'closeSession',
  '$',
];
const spelling = new Map(words.map((word) => [word.toLowerCase(), word]));
const MAX_WORDS = 8;

export function operationTemplate(path: string): string {
  const kept: string[] = [];
  for (const segment of path.split('/')) {
    const word = spelling.get((/^[A-Za-z$]+/.exec(segment)?.[0] ?? '').toLowerCase());
    if (word !== undefined) kept.push(word);
    if (kept.length >= MAX_WORDS) break;
  }
  return kept.length === 0 ? 'other' : kept.join('/');
}
