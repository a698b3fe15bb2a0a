import { afterEach, describe, expect, it } from 'vitest';
import { call, closeAll, fileBytes, startDrive } from './support/emulatorDrive';

// Excel's limits and Graph's refusals, each answered in Graph's error shape (workbook-error-codes: the status's code
// on top, the detailed code in innerError) with nothing written: the .xlsx is byte for byte what it was. The demo
// workbook holds Sales (A1:E5) on Sheet1.

afterEach(closeAll);

const LONG_TEXT = 'x'.repeat(32_768);

describe('a refused write changes nothing', () => {
  it.each([
    [
      'cell text over 32,767 characters',
      'PATCH',
      "worksheets('Sheet1')/range(address='A2')",
      { values: [[LONG_TEXT]] },
    ],
    [
      'a values array that does not match the address',
      'PATCH',
      "worksheets('Sheet1')/range(address='A2:B3')",
      { values: [['a', 'b']] },
    ],
    ['a column past XFD', 'PATCH', "worksheets('Sheet1')/range(address='XFE1')", { values: [['x']] }],
    ['a row past 1,048,576', 'PATCH', "worksheets('Sheet1')/range(address='A1048577')", { values: [['x']] }],
    ['a whole column', 'PATCH', "worksheets('Sheet1')/range(address='A:A')", { values: 'x' }],
    [
      'a row of text over 32,767 characters',
      'POST',
      "tables('Sales')/rows/add",
      { values: [['N', LONG_TEXT, 1, 1, 1]] },
    ],
    ['a row of the wrong width', 'POST', "tables('Sales')/rows/add", { values: [['N', 'P']] }],
    ['a row update of the wrong width', 'PATCH', "tables('Sales')/rows/itemAt(index=0)", { values: [['N']] }],
    ['a formula that does not parse', 'PATCH', "worksheets('Sheet1')/range(address='G1')", { formulas: [['=1+']] }],
  ])('refuses %s with 400 badRequest / invalidArgument', async (_label, method, path, body) => {
    const drive = await startDrive();
    const before = fileBytes(drive.folder);
    const res = await call(`${drive.workbookUrl()}/${path}`, method, body);
    expect(res).toMatchObject({
      status: 400,
      json: { error: { code: 'badRequest', message: expect.any(String), innerError: { code: 'invalidArgument' } } },
    });
    expect(fileBytes(drive.folder).equals(before)).toBe(true);
  });

  it.each([
    ['an unknown worksheet', 'PATCH', "worksheets('Nope')/range(address='A1')", { values: 'x' }],
    ['an unknown table', 'POST', "tables('Nope')/rows/add", { values: [['a']] }],
    ['an unknown table column', 'GET', "tables('Sales')/columns('Nope')", undefined],
    [
      'a row index past the last row',
      'PATCH',
      "tables('Sales')/rows/itemAt(index=4)",
      { values: [['a', 'b', 1, 1, 1]] },
    ],
    ['a row index past the last row, deleted', 'DELETE', "tables('Sales')/rows/itemAt(index=9)", undefined],
    ['an unknown name', 'GET', "names('Nope')", undefined],
  ])('answers %s with 404 notFound / itemNotFound', async (_label, method, path, body) => {
    const drive = await startDrive();
    const before = fileBytes(drive.folder);
    const res = await call(`${drive.workbookUrl()}/${path}`, method, body);
    expect(res).toMatchObject({
      status: 404,
      json: { error: { code: 'notFound', innerError: { code: 'itemNotFound' } } },
    });
    expect(fileBytes(drive.folder).equals(before)).toBe(true);
  });

  it('accepts the last cell of the sheet, XFD1048576, and exactly 32,767 characters', async () => {
    const drive = await startDrive();
    const res = await call(`${drive.workbookUrl()}/worksheets('Sheet1')/range(address='XFD1048576')`, 'PATCH', {
      values: [['y'.repeat(32_767)]],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ address: 'Sheet1!XFD1048576', rowIndex: 1_048_575, columnIndex: 16_383 });
    expect((res.json.values as string[][])[0]?.[0]).toHaveLength(32_767);
  });
});

describe('OData query options', () => {
  it('pages rows, columns, worksheets and tables with $top and $skip', async () => {
    const drive = await startDrive();
    const rows = await call(`${drive.workbookUrl()}/tables('Sales')/rows?$top=2&$skip=1`);
    expect((rows.json.value as Array<{ index: number }>).map((row) => row.index)).toEqual([1, 2]);
    const columns = await call(`${drive.workbookUrl()}/tables('Sales')/columns?$top=2&$skip=3`);
    expect((columns.json.value as Array<{ name: string }>).map((column) => column.name)).toEqual([
      'Unit price',
      'Total',
    ]);
    const sheets = await call(`${drive.workbookUrl()}/worksheets?$skip=1`);
    expect(sheets.json.value).toEqual([]);
  });

  it('keeps only the $select properties, of an entity and of each member of a collection', async () => {
    const drive = await startDrive();
    const range = await call(
      `${drive.workbookUrl()}/worksheets('Sheet1')/range(address='A1:B2')?$select=address,values`,
    );
    expect(range.json).toEqual({
      '@odata.type': '#microsoft.graph.workbookRange',
      address: 'Sheet1!A1:B2',
      values: [
        ['Region', 'Product'],
        ['North', 'Apples'],
      ],
    });
    const sheets = await call(`${drive.workbookUrl()}/worksheets?$select=name`);
    expect(sheets.json).toEqual({ value: [{ name: 'Sheet1' }] });
  });

  it.each([
    ['$select of a property the resource lacks', "worksheets('Sheet1')/range(address='A1')?$select=colour"],
    ['a $top that is not a number', "tables('Sales')/rows?$top=many"],
    ['a negative $skip', "tables('Sales')/rows?$skip=-1"],
  ])('refuses %s with 400 badRequest', async (_label, path) => {
    const drive = await startDrive();
    expect(await call(`${drive.workbookUrl()}/${path}`)).toMatchObject({
      status: 400,
      json: { error: { code: 'badRequest' } },
    });
  });
});
