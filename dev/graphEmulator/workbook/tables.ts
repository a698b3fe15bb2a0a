import type { Workbook, Worksheet } from 'exceljs';
import { parseAddress, type CellBounds } from './a1Address';
import { tablesOf, type TableModel } from './excel';
import { itemNotFound } from './excelErrors';
import { worksheetsOf } from './worksheets';

// Tables (https://learn.microsoft.com/graph/api/resources/table). Ids are short numeric strings, as in the examples
// of "Working with Excel in Microsoft Graph": here the table's place in the workbook, sheet by sheet. Their rows are
// in tableRows.ts, their columns and ranges in tableColumns.ts.

export interface TableRef {
  readonly sheet: Worksheet;
  readonly model: TableModel;
  readonly id: string;
}

export function tablesIn(workbook: Workbook, sheet?: Worksheet): TableRef[] {
  const all = worksheetsOf(workbook).flatMap((candidate) =>
    tablesOf(candidate).map((model) => ({ sheet: candidate, model })),
  );
  return all
    .map((table, n) => ({ ...table, id: String(n + 1) }))
    .filter((table) => sheet === undefined || table.sheet === sheet);
}

/** A table by id or name (case-insensitive, as Excel's table names are), optionally only on one sheet. */
export function findTable(workbook: Workbook, key: string, sheet?: Worksheet): TableRef {
  const wanted = key.toLowerCase();
  const table = tablesIn(workbook, sheet).find(
    (candidate) => candidate.id === key || candidate.model.name.toLowerCase() === wanted,
  );
  if (table === undefined) throw itemNotFound(`The requested table '${key}' doesn't exist.`);
  return table;
}

export function tableJson(table: TableRef): Record<string, unknown> {
  const { model, id } = table;
  const style = model.style ?? {};
  return {
    id,
    name: model.name,
    showHeaders: model.headerRow !== false,
    showTotals: model.totalsRow === true,
    style: style.theme ?? '',
    highlightFirstColumn: style.showFirstColumn === true,
    highlightLastColumn: style.showLastColumn === true,
    showBandedColumns: style.showColumnStripes === true,
    showBandedRows: style.showRowStripes === true,
    showFilterButton: model.headerRow !== false,
    legacyId: id,
  };
}

// The rows between the header and the totals row; a table whose ref holds only its header has none.
export function dataBounds(table: TableRef): CellBounds {
  const { bounds } = parseAddress(table.model.tableRef);
  const firstRow = bounds.firstRow + (table.model.headerRow === false ? 0 : 1);
  const lastRow = bounds.lastRow - (table.model.totalsRow === true ? 1 : 0);
  return { ...bounds, firstRow, lastRow };
}

/**
 * After cells of `sheet` were written: a table's header cell that was among them renames its column, as typing in a
 * header does in Excel — the column takes the cell's text, a blank header becomes `Column<n>`, and a name another
 * column has (without regard to case) gets the next free number. Graph's tableColumn `name` is that header text
 * (https://learn.microsoft.com/graph/api/resources/tablecolumn).
 */
export function renameColumnsFromHeaders(sheet: Worksheet, written: CellBounds): void {
  for (const model of tablesOf(sheet)) {
    if (model.headerRow === false) continue;
    const { bounds } = parseAddress(model.tableRef);
    if (bounds.firstRow < written.firstRow || bounds.firstRow > written.lastRow) continue;
    model.columns.forEach((column, index) => {
      const at = bounds.firstColumn + index;
      if (at < written.firstColumn || at > written.lastColumn) return;
      const cell = sheet.getCell(bounds.firstRow + 1, at + 1);
      const text = cell.value === null || cell.value === undefined ? '' : String(cell.text);
      const others = model.columns.filter((_, n) => n !== index).map((other) => other.name.toLowerCase());
      let name = text.trim() === '' ? `Column${index + 1}` : text;
      for (let n = 2; others.includes(name.toLowerCase()); n += 1) name = `${text || `Column${index + 1}`}${n}`;
      column.name = name;
      cell.value = name;
    });
  }
}
