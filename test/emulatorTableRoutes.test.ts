import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { call, closeAll, readFile, startDrive } from './support/emulatorDrive';

// The table calls a flow needs to work with rows by column name and by key, as Excel's own connector does: columns, the header row,
// one row by its index — got, updated, deleted — and the workbook's names. Each is checked in the answer and, for
// writes, in the .xlsx read back. The demo's Sales table: A1:E5, Region/Product/Units/Unit price/Total (=C*D).

afterEach(closeAll);

const SALES_ROWS = [
  ['North', 'Apples', 120, 0.5, 60],
  ['South', 'Pears', 80, 0.75, 60],
  ['East', 'Plums', 45, 1.2, 54],
  ['West', 'Cherries', 30, 3.5, 105],
];

describe('columns and the header row', () => {
  it('lists columns with 1-based string ids, 0-based indexes and values from the header down', async () => {
    const drive = await startDrive();
    const res = await call(`${drive.workbookUrl()}/tables('Sales')/columns`);
    expect(res.status).toBe(200);
    const columns = res.json.value as Array<Record<string, unknown>>;
    expect(columns.map(({ id, index, name }) => ({ id, index, name }))).toEqual([
      { id: '1', index: 0, name: 'Region' },
      { id: '2', index: 1, name: 'Product' },
      { id: '3', index: 2, name: 'Units' },
      { id: '4', index: 3, name: 'Unit price' },
      { id: '5', index: 4, name: 'Total' },
    ]);
    expect(columns[2]?.values).toEqual([['Units'], [120], [80], [45], [30]]);
    for (const spelling of ["columns('3')", 'columns/3', "columns('Units')", "columns(id='3')"]) {
      expect((await call(`${drive.workbookUrl()}/tables/Sales/${spelling}`)).json).toMatchObject({
        id: '3',
        name: 'Units',
      });
    }
  });

  it('answers the header row, the data body and the whole table as ranges', async () => {
    const drive = await startDrive();
    const header = await call(`${drive.workbookUrl()}/tables('Sales')/headerRowRange`);
    expect(header.json).toMatchObject({
      address: 'Sheet1!A1:E1',
      rowIndex: 0,
      columnCount: 5,
      values: [['Region', 'Product', 'Units', 'Unit price', 'Total']],
    });
    const body = await call(`${drive.workbookUrl()}/worksheets('Sheet1')/tables/1/dataBodyRange`);
    expect(body.json).toMatchObject({ address: 'Sheet1!A2:E5', values: SALES_ROWS });
    expect((await call(`${drive.workbookUrl()}/tables('Sales')/range`)).json).toMatchObject({
      address: 'Sheet1!A1:E5',
    });
    const totals = await call(`${drive.workbookUrl()}/tables('Sales')/totalRowRange`);
    expect(totals).toMatchObject({ status: 404, json: { error: { innerError: { code: 'itemNotFound' } } } });
  });
});

describe('a header cell written', () => {
  it('renames its column as typing in the header does: blank is Column<n>, a taken name gets a number', async () => {
    const drive = await startDrive();
    const res = await call(`${drive.workbookUrl()}/tables('Sales')/headerRowRange`, 'PATCH', {
      values: [['Area', '', 'region', null, 2024]],
    });
    expect(res.status).toBe(200);
    const columns = await call(`${drive.workbookUrl()}/tables('Sales')/columns?$select=name`);
    const names = ['Area', 'Column2', 'region', 'Unit price', '2024'];
    expect((columns.json.value as Array<{ name: string }>).map((column) => column.name)).toEqual(names);
    const taken = await call(`${drive.workbookUrl()}/worksheets/Sheet1/range(address='B1')`, 'PATCH', {
      values: [['Area']],
    });
    expect(taken.json).toMatchObject({ values: [['Area2']] });
    const sheet = (await readFile(drive.folder)).getWorksheet('Sheet1');
    const table = sheet?.getTable('Sales') as unknown as { table: { columns: Array<{ name: string }> } };
    expect(table.table.columns.map((column) => column.name)).toEqual(['Area', 'Area2', 'region', 'Unit price', '2024']);
  });
});

describe('one row by its index', () => {
  it.each([
    ['rows/itemAt(index=2)', 'GET', undefined],
    ['rows/$/itemAt(index=2)', 'GET', undefined],
    ['rows/2', 'GET', undefined],
    ['rows/itemAt', 'POST', { index: 2 }],
  ])('gets a row as %s (%s)', async (path, method, body) => {
    const drive = await startDrive();
    const res = await call(`${drive.workbookUrl()}/tables('Sales')/${path}`, method, body);
    expect(res).toMatchObject({ status: 200, json: { index: 2, values: [SALES_ROWS[2]] } });
  });

  it('updates a row: null leaves a cell, the Total recalculates, and the file holds it', async () => {
    const drive = await startDrive();
    const res = await call(`${drive.workbookUrl()}/tables('Sales')/rows/itemAt(index=1)`, 'PATCH', {
      values: [[null, 'Quinces', 100, null, null]],
    });
    expect(res).toMatchObject({ status: 200, json: { index: 1, values: [['South', 'Quinces', 100, 0.75, 75]] } });
    const sheet = (await readFile(drive.folder)).getWorksheet('Sheet1');
    expect([2, 3, 5].map((column) => sheet?.getCell(3, column).value)).toEqual([
      'Quinces',
      100,
      { formula: 'C3*D3', result: 75 },
    ]);
  });

  it.each([
    ['DELETE rows/itemAt(index=1)', 'DELETE', 'rows/itemAt(index=1)'],
    ['DELETE rows/$/itemAt(index=1)', 'DELETE', 'rows/$/itemAt(index=1)'],
    ['DELETE rows/1', 'DELETE', 'rows/1'],
    ['POST rows/1/delete', 'POST', 'rows/1/delete'],
  ])(
    'deletes a row with %s: the rows below move up with their formulas, the table shrinks',
    async (_l, method, path) => {
      const drive = await startDrive();
      const res = await call(`${drive.workbookUrl()}/tables('Sales')/${path}`, method);
      expect(res.status).toBe(204);
      const rows = await call(`${drive.workbookUrl()}/tables('Sales')/rows`);
      expect((rows.json.value as Array<{ values: unknown[][] }>).map((row) => row.values[0])).toEqual([
        SALES_ROWS[0],
        SALES_ROWS[2],
        SALES_ROWS[3],
      ]);
      const workbook = await readFile(drive.folder);
      const sheet = workbook.getWorksheet('Sheet1');
      expect(sheet?.getCell('E3').value).toEqual({ formula: 'C3*D3', result: 54 });
      expect(sheet?.getCell('A5').value).toBe(null);
      const table = sheet?.getTable('Sales') as unknown as { table: { tableRef: string } };
      expect(table.table.tableRef).toBe('A1:E4');
    },
  );

  it('inserts rows at an index and moves the Totals below with their formulas', async () => {
    const drive = await startDrive();
    await call(`${drive.workbookUrl()}/tables('Sales')/rows`, 'POST', {
      index: 0,
      values: [['Top', 'Limes', 2, 2, '=C2*D2']],
    });
    const rows = await call(`${drive.workbookUrl()}/tables('Sales')/rows?$top=2`);
    expect((rows.json.value as Array<{ values: unknown[][] }>).map((row) => row.values[0])).toEqual([
      ['Top', 'Limes', 2, 2, 4],
      SALES_ROWS[0],
    ]);
    const sheet = (await readFile(drive.folder)).getWorksheet('Sheet1');
    expect(sheet?.getCell('E3').value).toEqual({ formula: 'C3*D3', result: 60 });
  });
});

describe('named items', () => {
  it('lists the workbook names that refer to ranges, and gets one by name', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Range');
    sheet.getCell('A1').value = 1;
    workbook.definedNames.add('Range!$A$1:$D$3', 'data');
    workbook.definedNames.add('Range!$E$1:$F$7', 'myrange');
    const drive = await startDrive({ files: { 'Names.xlsx': workbook } });
    const itemId = drive.emulator.workbooks()[0]?.itemId;
    const names = await call(`${drive.workbookUrl(itemId)}/names`);
    expect(names).toMatchObject({
      status: 200,
      json: {
        value: [
          { name: 'data', type: 'Range', value: 'Range!$A$1:$D$3', visible: true },
          { name: 'myrange', type: 'Range', value: 'Range!$E$1:$F$7', visible: true },
        ],
      },
    });
    expect((await call(`${drive.workbookUrl(itemId)}/names('MYRANGE')`)).json).toMatchObject({ name: 'myrange' });
    const byName = await call(`${drive.workbookUrl(itemId)}/worksheets('Range')/range(address='data')`);
    expect(byName.json).toMatchObject({
      address: 'Range!A1:D3',
      values: [
        [1, '', '', ''],
        ['', '', '', ''],
        ['', '', '', ''],
      ],
    });
    const formula = await call(`${drive.workbookUrl(itemId)}/worksheets('Range')/range(address='G1')`, 'PATCH', {
      formulas: [['=SUM(data)*10']],
    });
    expect(formula.json).toMatchObject({ values: [[10]], formulas: [['=SUM(data)*10']] });
  });

  it('answers the calculation mode as Automatic and recalculates on application/calculate', async () => {
    const drive = await startDrive();
    const workbookUrl = drive.workbookUrl();
    await call(`${workbookUrl}/worksheets('Sheet1')/range(address='G1')`, 'PATCH', { formulas: [['=SUM(C2:C5)']] });
    expect((await call(`${workbookUrl}/application`)).json).toEqual({ calculationMode: 'Automatic' });
    const calculated = await call(`${workbookUrl}/application/calculate`, 'POST', { calculationType: 'Recalculate' });
    expect(calculated).toMatchObject({ status: 200, json: {} });
    expect((await call(`${workbookUrl}/worksheets('Sheet1')/range(address='G1')`)).json.values).toEqual([[275]]);
    const refused = await call(`${workbookUrl}/application/calculate`, 'POST', { calculationType: 'Sometimes' });
    expect(refused).toMatchObject({ status: 400, json: { error: { innerError: { code: 'invalidArgument' } } } });
  });
});
