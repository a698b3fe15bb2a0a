import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import { startBrokerStack, type BrokerStack } from './support/brokerStack';
import { missingTool } from './support/missingTool';

const DEMO = { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID };

// The walk-throughs of the README and the docs behind it, pasted as written into an interactive bash and zsh (where
// `!` in double quotes is a history expansion) against a local stack, with PORT set as a user would. What the shell
// printed, what Graph saw and what the .xlsx holds afterwards are checked, so the pages cannot drift from what works.

const ROOT = path.resolve(__dirname, '..');
const PAGES = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).map((name) => `docs/${name}`)]
  .filter((page) => page.endsWith('.md'))
  .map((page) => ({ page, text: readFileSync(path.join(ROOT, page), 'utf8') }));

/** The first ```sh block after a heading, in whichever page holds that heading (exactly one must). */
function blockAfter(heading: string): string {
  const holders = PAGES.filter(({ text }) => text.includes(`\n${heading}\n`));
  if (holders.length !== 1) throw new Error(`${holders.length} pages have the heading "${heading}"; 1 should`);
  const { page, text } = holders[0]!;
  const match = /```sh\n([\s\S]*?)```/.exec(text.slice(text.indexOf(`\n${heading}\n`)));
  if (match?.[1] === undefined) throw new Error(`No sh block after "${heading}" in ${page}`);
  return match[1];
}

const shells = [
  { name: 'bash', command: 'bash', args: ['--norc', '--noprofile', '-i'] },
  { name: 'zsh', command: 'zsh', args: ['-f', '-i'] },
].map((shell) => {
  const present = spawnSync(shell.command, ['-c', 'true']).status === 0;
  const check = missingTool(
    `the README pasted into ${shell.name}`,
    present ? undefined : `${shell.command} is not installed`,
  );
  return { ...shell, check, label: check.skipped ? `${shell.name} (skipped: ${check.skipped})` : shell.name };
});

let stack: BrokerStack | undefined;
let folder: string | undefined;
afterEach(async () => {
  await stack?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  stack = undefined;
  folder = undefined;
});

async function paste(shell: (typeof shells)[number], script: string): Promise<string> {
  shell.check.require();
  folder = mkdtempSync(path.join(tmpdir(), 'readme-drive-'));
  stack = await startBrokerStack({ emulator: { drive: { path: folder } } });
  const port = new URL(stack.url).port;
  const emulatorPort = String(stack.emulator.port);
  // spawnSync would block the event loop the local stack answers on; run the shell asynchronously.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(shell.command, shell.args, {
      // PORT and EMULATOR_PORT set as a user would after `npm start` said where things are: the blocks paste as is.
      env: { ...process.env, PORT: port, EMULATOR_PORT: emulatorPort, HOME: folder },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(output));
    child.stdin.end(`${script}\nexit\n`);
  });
}

describe.each(shells)('the README pasted into an interactive $label', (shell) => {
  it.skipIf(shell.check.skipped !== undefined)('walks through create → refresh → close', async () => {
    const output = await paste(shell, blockAfter('## Walk-through: create → refresh → close'));
    expect(output).not.toMatch(/event not found|no such event|command not found|parse error/);
    const calls = stack!.emulator.calls().map((call) => `${call.op} ${call.status}`);
    expect(calls).toEqual(['createSession 201', 'refreshSession 204', 'closeSession 204']);
    expect(output).toMatch(/invalidSessionReCreatable/);
  });

  it.skipIf(shell.check.skipped !== undefined)('works in the session and changes the demo .xlsx on disk', async () => {
    const output = await paste(shell, blockAfter('## Working in the session: every workbook call through the broker'));
    expect(output).not.toMatch(/event not found|no such event|command not found|parse error/);
    const calls = stack!.emulator.calls().map((call) => `${call.op} ${call.status}`);
    expect(calls).toEqual([
      'createSession 201',
      'updateRange 200',
      'getRange 200',
      'addTableRows 200',
      'closeSession 204',
    ]);
    expect(output).toContain('"values":[["Checked by","the broker"]]');
    expect(output).toContain('{"index":4,"values":[["North","Kiwis",12,0.9,10.8]]}');
    expect(output).toMatch(/\b204\b/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path.join(folder!, 'Demo.xlsx'));
    const sheet = workbook.getWorksheet('Sheet1');
    expect([sheet?.getCell('G1').value, sheet?.getCell('H1').value, sheet?.getCell('B6').value]).toEqual([
      'Checked by',
      'the broker',
      'Kiwis',
    ]);
    // Saved as Excel saves a formula: the formula and its result, so Excel opening the file shows the same Total.
    expect(sheet?.getCell('E6').value).toEqual({ formula: 'C6*D6', result: 10.8 });
  });

  it.skipIf(shell.check.skipped !== undefined)(
    'adds the emulator fault the README shows: Graph adds the row, the answer is lost',
    async () => {
      const output = await paste(shell, blockAfter('## Faults'));
      expect(output).not.toMatch(/event not found|no such event|command not found|parse error|Connection refused/);
      const rows = `${stack!.sessionUrl("tables('Sales')/rows/add", DEMO)}`;
      const response = await fetch(rows, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"values":[["West","Figs",3,1.5,""]]}',
      });
      expect(response.status).toBe(504);
      expect(stack!.emulator.calls().map((call) => `${call.op} ${call.status}`)).toEqual(['addTableRows 504']);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(path.join(folder!, 'Demo.xlsx'));
      expect(workbook.getWorksheet('Sheet1')?.getCell('B6').value).toBe('Figs');
    },
  );

  it.skipIf(shell.check.skipped !== undefined)(
    "makes creates slow and gets the long create's 202 with Location, as the README says",
    async () => {
      const output = await paste(shell, blockAfter('## A slow create'));
      expect(output).not.toMatch(/event not found|no such event|command not found|parse error|Connection refused/);
      // No line anchors: curl's progress meter (on stderr, into the same pipe) may end a line with a bare \r.
      expect(output).toMatch(/HTTP\/1\.1 202 /);
      expect(output).toMatch(/location: http:\/\/\S+\/workbook\/operations\/\S+/i);
      expect(output).toMatch(/retry-after: \d+/i);
      expect(stack!.emulator.settings().asyncCreateMs).toBe(0);
    },
  );
});
