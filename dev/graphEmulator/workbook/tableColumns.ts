import { formatReference, parseAddress, type CellBounds } from './a1Address';
import { emptyCell, readCell, type GraphCellValue } from './cellValues';
import { itemNotFound } from './excelErrors';
import { rangeJson, updateRange, type RangeJson } from './ranges';
import { dataBounds, type TableRef } from './tables';
import type { TablePart } from '../routeWorkbook';

// A table's columns (https://learn.microsoft.com/graph/api/resources/tablecolumn, table-list-columns) and its ranges
// (table-range, table-headerrowrange, table-databodyrange, table-totalrowrange), a column's too. A column's `id` is a 1-based string
// and its `index` 0-based; its `values` run down the whole column, header (and totals row) included, one inner array
// per cell, as the "Working with Excel" example shows.

export interface ColumnJson {
  id: string;
  index: number;
  name: string;
  values: GraphCellValue[][];
}

export function listColumns(table: TableRef): { value: ColumnJson[] } {
  return { value: table.model.columns.map((_, index) => columnJson(table, index)) };
}

/** A column by its id (`"2"`) or its name, case-insensitive as Excel's names are. */
export function getColumn(table: TableRef, key: string): ColumnJson {
  const wanted = key.toLowerCase();
  const index = table.model.columns.findIndex(
    (column, n) => String(n + 1) === key || column.name.toLowerCase() === wanted,
  );
  if (index < 0) throw itemNotFound(`The requested column '${key}' doesn't exist.`);
  return columnJson(table, index);
}

function columnJson(table: TableRef, index: number): ColumnJson {
  const { bounds } = parseAddress(table.model.tableRef);
  const column = bounds.firstColumn + index;
  const values: GraphCellValue[][] = [];
  for (let row = bounds.firstRow; row <= bounds.lastRow; row += 1) {
    const cell = table.sheet.findCell(row + 1, column + 1);
    values.push([(cell === undefined ? emptyCell() : readCell(cell)).value]);
  }
  return { id: String(index + 1), index, name: table.model.columns[index]?.name ?? '', values };
}

/**
 * The table's (or one column's) whole range, header row, data rows or totals row. A table with no data rows answers
 * its first data row's place; a hidden header or totals row is not there to answer (404).
 */
export function tableRange(table: TableRef, part: TablePart, column?: string): RangeJson {
  return rangeJson(table.sheet, tableRangeBounds(table, part, column));
}

/** PATCH on a table's or a column's range: written as the same cells addressed by A1 would be. */
export function updateTableRange(table: TableRef, part: TablePart, column: string | undefined, body: unknown) {
  return updateRange(table.sheet, formatReference(tableRangeBounds(table, part, column)), body);
}

function tableRangeBounds(table: TableRef, part: TablePart, column?: string): CellBounds {
  const { bounds: whole } = parseAddress(table.model.tableRef);
  const index = column === undefined ? undefined : getColumn(table, column).index;
  const bounds =
    index === undefined
      ? whole
      : { ...whole, firstColumn: whole.firstColumn + index, lastColumn: whole.firstColumn + index };
  const data = { ...dataBounds(table), firstColumn: bounds.firstColumn, lastColumn: bounds.lastColumn };
  const row = (n: number): CellBounds => ({ ...bounds, firstRow: n, lastRow: n });
  switch (part) {
    case 'range':
      return bounds;
    case 'headerRowRange':
      if (table.model.headerRow === false) throw itemNotFound('The table has no header row.');
      return row(bounds.firstRow);
    case 'dataBodyRange':
      return data.lastRow < data.firstRow ? row(data.firstRow) : data;
    case 'totalRowRange':
      if (table.model.totalsRow !== true) throw itemNotFound('The table has no totals row.');
      return row(bounds.lastRow);
  }
}
