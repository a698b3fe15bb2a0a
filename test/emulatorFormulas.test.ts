import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID, startGraphEmulator, type GraphEmulator } from '../dev/graphEmulator';

// Formulas written through the emulator are calculated as Excel Online would answer them, recalculated when a
// precedent changes, and saved with their results (`{ formula, result }` as exceljs reads the file back), so Excel
// opening the file agrees. Each case writes into the demo workbook: Sales in A1:E5 (Region, Product, Units,
// Unit price, Total = Units * Unit price), rows North/Apples/120/0.5, South/Pears/80/0.75, East/Plums/45/1.2,
// West/Cherries/30/3.5.

const NOW = Date.UTC(2026, 5, 15, 12); // 2026-06-15, Excel serial 46188
const emulators: GraphEmulator[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function start(): Promise<{ emulator: GraphEmulator; folder: string; url: string }> {
  const folder = mkdtempSync(path.join(tmpdir(), 'formulas-'));
  folders.push(folder);
  const emulator = await startGraphEmulator({ drive: { path: folder }, now: () => NOW });
  emulators.push(emulator);
  const url = `${emulator.url}/drives/${encodeURIComponent(DEMO_DRIVE_ID)}/items/${DEMO_ITEM_ID}/workbook`;
  return { emulator, folder, url };
}

async function call(
  url: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

const range = (url: string, address: string) => `${url}/worksheets('Sheet1')/range(address='${address}')`;

async function fileCell(folder: string, address: string): Promise<unknown> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(folder, 'Demo.xlsx'));
  return workbook.getWorksheet('Sheet1')?.getCell(address).value;
}

describe('a formula written to a cell', () => {
  it.each([
    ['arithmetic and precedence', '=2+3*4^2', 50, 'Double'],
    ['a reference', '=C2*2', 240, 'Double'],
    ['a range', '=SUM(C2:C5)', 275, 'Double'],
    ['AVERAGE', '=AVERAGE(D2:D5)', 1.4875, 'Double'],
    ['IF', '=IF(C3>100,"many","few")', 'few', 'String'],
    ['ROUND', '=ROUND(1/3,4)', 0.3333, 'Double'],
    ['fifteen significant digits, as Excel keeps', '=1/3', 0.333333333333333, 'Double'],
    ['CONCAT', '=CONCAT(A2,"-",B2)', 'North-Apples', 'String'],
    ['the & operator', '=A3&" "&C3', 'South 80', 'String'],
    ['VLOOKUP', '=VLOOKUP("Plums",B2:E5,4,FALSE)', 54, 'Double'],
    ['XLOOKUP', '=XLOOKUP("West",A2:A5,E2:E5)', 105, 'Double'],
    ['TODAY on the emulator clock', '=TODAY()', 46188, 'Double'],
    ['a comparison', '=C2>C3', true, 'Boolean'],
    ['a structured reference', '=SUM(Sales[Units])', 275, 'Double'],
    ['a reference to a sheet named in another case', '=sheet1!C2+SHEET1!C3', 200, 'Double'],
    ['#DIV/0!', '=C2/0', '#DIV/0!', 'Error'],
    ['#REF!', '=INDEX(C2:C5,9)', '#REF!', 'Error'],
    ['#NAME? for an unknown function', '=NOSUCHFUNCTION(1)', '#NAME?', 'Error'],
    ['#N/A from a lookup that finds nothing', '=VLOOKUP("Kiwis",B2:E5,4,FALSE)', '#N/A', 'Error'],
    ['#VALUE! for text in arithmetic', '=A2*2', '#VALUE!', 'Error'],
  ])('calculates %s', async (_label, formula, value, valueType) => {
    const { url, folder } = await start();
    const res = await call(range(url, 'G2'), 'PATCH', { formulas: [[formula]] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ values: [[value]], formulas: [[formula]], valueTypes: [[valueType]] });
    expect((await call(range(url, 'G2'))).json).toMatchObject({ values: [[value]], formulas: [[formula]] });
    const stored = valueType === 'Error' ? { error: value } : value;
    expect(await fileCell(folder, 'G2')).toMatchObject({ result: stored });
  });

  it('is saved with the prefix Excel needs for a newer function, and answered without it', async () => {
    const { url, folder } = await start();
    await call(range(url, 'G2'), 'PATCH', { values: [['=XLOOKUP("East",A2:A5,C2:C5)']] });
    expect(await fileCell(folder, 'G2')).toEqual({ formula: '_xlfn.XLOOKUP("East",A2:A5,C2:C5)', result: 45 });
    expect((await call(range(url, 'G2'))).json.formulas).toEqual([['=XLOOKUP("East",A2:A5,C2:C5)']]);
  });

  it('is recalculated, with everything that depends on it, when a precedent changes', async () => {
    const { url, folder } = await start();
    await call(range(url, 'G2:G3'), 'PATCH', { formulas: [['=SUM(E2:E5)'], ['=G2*2']] });
    expect((await call(range(url, 'G2:G3'))).json.values).toEqual([[279], [558]]);
    await call(range(url, 'C2'), 'PATCH', { values: [[200]] });
    expect((await call(range(url, 'E2:G3'))).json.values).toEqual([
      [100, '', 319],
      [60, '', 638],
    ]);
    expect(await fileCell(folder, 'E2')).toEqual({ formula: 'C2*D2', result: 100 });
    expect(await fileCell(folder, 'G3')).toEqual({ formula: 'G2*2', result: 638 });
  });

  it('keeps a result of 0, false or "" when read back', async () => {
    const { url } = await start();
    await call(range(url, 'G2:G4'), 'PATCH', { formulas: [['=C2-C2'], ['=C2<0'], ['=IF(TRUE,"")']] });
    expect((await call(range(url, 'G2:G4'))).json.values).toEqual([[0], [false], ['']]);
  });

  it.each([
    ['an A1 formula, which moves with each row as Ctrl+Enter does', '=C2*D2*2', [[120], [120], [108], [210]]],
    ['a structured reference to the row', '=[@Units]*2', [[240], [160], [90], [60]]],
  ])('written to a table column, fills it: %s', async (_label, formula, values) => {
    const { url, folder } = await start();
    const res = await call(`${url}/tables('Sales')/columns('Total')/dataBodyRange`, 'PATCH', { formulas: formula });
    expect(res).toMatchObject({ status: 200, json: { address: 'Sheet1!E2:E5', values } });
    expect((await call(`${url}/tables('Sales')/columns('Total')`)).json.values).toEqual([['Total'], ...values]);
    expect(await fileCell(folder, 'E5')).toMatchObject({ result: values[3]?.[0] });
  });

  it('in a new table row reads back its Total', async () => {
    const { url, folder } = await start();
    const res = await call(`${url}/tables('Sales')/rows/add`, 'POST', {
      values: [['North', 'Kiwis', 12, 0.9, '=C6*D6']],
    });
    expect(res).toMatchObject({ status: 200, json: { index: 4, values: [['North', 'Kiwis', 12, 0.9, 10.8]] } });
    expect(await fileCell(folder, 'E6')).toEqual({ formula: 'C6*D6', result: 10.8 });
  });

  it.each([
    ['a formula Excel cannot parse', '=SUM(C2:'],
    ['a formula longer than 8,192 characters', `=${'1+'.repeat(4100)}1`],
  ])('refuses %s with 400 invalidArgument and writes nothing', async (_label, formula) => {
    const { url, folder } = await start();
    const before = readFileSync(path.join(folder, 'Demo.xlsx'));
    const res = await call(range(url, 'G2'), 'PATCH', { formulas: [[formula]] });
    expect(res).toMatchObject({
      status: 400,
      json: { error: { code: 'badRequest', innerError: { code: 'invalidArgument' } } },
    });
    expect(readFileSync(path.join(folder, 'Demo.xlsx')).equals(before)).toBe(true);
    expect((await call(range(url, 'G2'))).json.values).toEqual([['']]);
  });
});
