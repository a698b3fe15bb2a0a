import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../../dev/graphEmulator';
import { startWebServer, type WebPageConfig, type WebServer } from '../../dev/webServer';
import { startBrokerStack, type BrokerStack } from '../support/brokerStack';
import { launchChromium, missingChromium } from '../support/chromium';
import { missingTool } from '../support/missingTool';

// The example page in web/ as a person uses it: served from its own origin by the same server as `npm run web`,
// in headless Chromium, against the broker on the local host with the real identity credential, Azurite and the
// Graph emulator over a real Demo.xlsx. So preflights, CORS and what `fetch` may read are the browser's own. Each
// case checks what the page showed, what Graph saw (the emulator's calls and sessions) and what the file holds.

const ROOT = path.resolve(__dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'test-results');
const IDLE_TIMEOUT_SECONDS = 120;
const WRITTEN = 'Checked in Chromium';

interface Drive {
  readonly folder: string;
  readonly stack: BrokerStack;
  file(): string;
}

let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
const pages: WebServer[] = [];
const drives: Drive[] = [];

const chromium = missingTool('the browser tests (test/browser/)', missingChromium());

beforeAll(async () => {
  chromium.require();
  browser = await launchChromium();
  context = browser.context;
  mkdirSync(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  for (const page of pages) await page.close();
  for (const drive of drives) {
    await drive.stack.close();
    rmSync(drive.folder, { recursive: true, force: true });
  }
});

/** The page on a free port, pointed at `broker` once it exists: the broker's CORS has to name the page's origin. */
async function servePage(broker: () => BrokerStack | undefined): Promise<WebServer> {
  const server = await startWebServer({ root: ROOT, config: () => pageConfig(broker()) });
  pages.push(server);
  return server;
}

function pageConfig(stack: BrokerStack | undefined): WebPageConfig {
  if (!stack) throw new Error('The page was loaded before its broker started.');
  return {
    brokerUrl: `${stack.url}/api`,
    workbook: { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID, worksheet: 'Sheet1', table: 'Sales' },
    idleTimeoutSeconds: IDLE_TIMEOUT_SECONDS,
    auth: null,
  };
}

/** A broker whose CORS allows exactly `origin`, over a drive folder of its own holding the demo workbook. */
async function startDrive(origin: string, emulator: { asyncCreateMs?: number } = {}): Promise<Drive> {
  const folder = mkdtempSync(path.join(tmpdir(), 'web-page-drive-'));
  const stack = await startBrokerStack({
    emulator: { drive: { path: folder }, ...emulator },
    cors: { origins: [origin], credentials: false },
  });
  const drive = { folder, stack, file: () => path.join(folder, 'Demo.xlsx') };
  drives.push(drive);
  return drive;
}

async function open(server: WebServer, options: { fakeClock?: boolean } = {}): Promise<Page> {
  const page = await context.newPage();
  if (options.fakeClock) await page.clock.install();
  await page.goto(server.url);
  await page.locator('#status:not([data-state="working"])').waitFor();
  return page;
}

/** Clicks a button and waits until the page has finished that action (no sleeps: the page's own state). */
async function click(page: Page, id: string): Promise<{ state: string | null; status: string; error: string }> {
  await page.click(`#${id}`);
  await page.locator('#status[data-state="ready"], #status[data-state="failed"]').waitFor();
  return {
    state: await page.getAttribute('#status', 'data-state'),
    status: (await page.textContent('#status')) ?? '',
    error: (await page.locator('#error:not([hidden])').count()) > 0 ? ((await page.textContent('#error')) ?? '') : '',
  };
}

async function done(page: Page, id: string, status: RegExp): Promise<void> {
  const outcome = await click(page, id);
  expect(outcome, `after #${id}`).toMatchObject({ state: 'ready', error: '' });
  expect(outcome.status).toMatch(status);
}

/** The range the page shows, as text: the header row of column letters, then each row with its number. */
function shownRange(page: Page): Promise<string[][]> {
  // The callback runs in the page; the tests' program has no DOM types, so the rows are typed by what it reads.
  return page.$$eval('#range table tr', (rows: Array<{ children: Iterable<{ textContent: string | null }> }>) =>
    rows.map((row) => [...row.children].map((cell) => cell.textContent ?? '')),
  );
}

async function sheetValues(file: string, addresses: string[]): Promise<unknown[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.getWorksheet('Sheet1');
  return addresses.map((address) => sheet?.getCell(address).value ?? null);
}

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const title = `the example page in a browser${chromium.skipped ? ` (skipped: ${chromium.skipped})` : ''}`;
describe.skipIf(chromium.skipped !== undefined)(title, () => {
  it('creates a session, lists worksheets, shows a range, writes a cell, adds a row and closes, on an allowed origin', async () => {
    let drive: Drive | undefined;
    const server = await servePage(() => drive?.stack);
    drive = await startDrive(server.origin);
    const { stack } = drive;
    const page = await open(server);
    expect(await page.textContent('#mode')).toBe('no sign-in (local stack)');
    expect(await page.textContent('.note')).toContain(`idle timeout of ${IDLE_TIMEOUT_SECONDS} s`);

    await done(page, 'create', new RegExp(`^Session created \\(idle timeout ${IDLE_TIMEOUT_SECONDS} s\\)\\.$`));
    const [session, ...others] = stack.emulator.activeSessions();
    expect(others).toEqual([]);
    expect(session).toMatchObject({ driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID, persistChanges: true });
    expect(await page.textContent('#session')).toBe(`Session open: ${session!.id}`);
    const record = (await stack.rows()).find(
      (row) => row.sessionId === session!.id && String(row.rowKey).startsWith('s'),
    );
    expect(record).toMatchObject({ state: 'live', idleTimeoutSeconds: IDLE_TIMEOUT_SECONDS });

    await done(page, 'list-sheets', /^Worksheets: Sheet1\.$/);
    expect(await page.locator('#sheets li').allTextContents()).toEqual(['Sheet1']);

    await done(page, 'read', /^Read Sheet1!A1:G6\.$/);
    const before = await shownRange(page);
    expect(before[0]).toEqual(['', 'A', 'B', 'C', 'D', 'E', 'F', 'G']);
    expect(before[1]).toEqual(['1', 'Region', 'Product', 'Units', 'Unit price', 'Total', '', '']);
    expect(before[2]).toEqual(['2', 'North', 'Apples', '120', '0.5', '60', '', '']);
    expect(before[6]).toEqual(['6', '', '', '', '', '', '', '']);

    await page.fill('#cell', 'G1');
    await page.fill('#value', WRITTEN);
    await done(page, 'write', new RegExp(`^Wrote "${WRITTEN}" to Sheet1!G1\\.$`));

    await page.fill('#region', 'Central');
    await page.fill('#product', 'Figs');
    await page.fill('#units', '7');
    await page.fill('#price', '2.5');
    await done(page, 'add-row', /^Added row 4 to Sales: Central, Figs, 7, 2\.5\.$/);

    await done(page, 'read', /^Read Sheet1!A1:G6\.$/);
    const after = await shownRange(page);
    expect(after[1]).toEqual(['1', 'Region', 'Product', 'Units', 'Unit price', 'Total', '', WRITTEN]);
    expect(after[6]).toEqual(['6', 'Central', 'Figs', '7', '2.5', '', '', '']);

    await done(page, 'close', /^Session closed: the workbook is free\.$/);
    expect(await page.textContent('#session')).toBe('No session open.');
    expect(await page.isDisabled('#write')).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'web-page.png'), fullPage: true });
    await page.close();

    // Graph saw each of those calls once, in the page's session, and nothing after the close.
    const calls = stack.emulator
      .calls()
      .map((call) => ({ op: call.op, status: call.status, sessionId: call.sessionId }));
    expect(calls).toEqual(
      ['createSession', 'listWorksheets', 'getRange', 'updateRange', 'addTableRows', 'getRange', 'closeSession'].map(
        (op) => ({
          op,
          status: op === 'createSession' ? 201 : op === 'closeSession' ? 204 : 200,
          sessionId: session!.id,
        }),
      ),
    );
    expect(stack.emulator.activeSessions()).toEqual([]);
    const ended = (await stack.rows()).find(
      (row) => row.sessionId === session!.id && String(row.rowKey).startsWith('s'),
    );
    expect(ended).toMatchObject({ state: 'closed' });
    expect(await sheetValues(drive.file(), ['G1', 'A6', 'B6', 'C6', 'D6'])).toEqual([
      WRITTEN,
      'Central',
      'Figs',
      7,
      2.5,
    ]);
  });

  it('gets nothing done from an origin CORS does not allow: the browser stops it, Graph sees no call, the file is unchanged', async () => {
    let drive: Drive | undefined;
    const allowed = await servePage(() => drive?.stack);
    const stranger = await servePage(() => drive?.stack);
    drive = await startDrive(allowed.origin);
    const { stack } = drive;
    const page = await open(stranger);
    const file = digest(drive.file());
    const rows = (await stack.rows()).map((row) => row.rowKey);

    const outcome = await click(page, 'create');
    expect(outcome.state).toBe('failed');
    expect(outcome.status).toBe('Creating a session failed.');
    expect(outcome.error).toContain(`does not allow this page's origin (${stranger.origin}) in its CORS settings`);
    expect(await page.textContent('#session')).toBe('No session open.');
    for (const id of ['list-sheets', 'read', 'write', 'add-row', 'close'])
      expect(await page.isDisabled(`#${id}`), id).toBe(true);
    await page.close();

    expect(stack.emulator.calls()).toEqual([]);
    expect(stack.emulator.sessions()).toEqual([]);
    expect((await stack.rows()).map((row) => row.rowKey)).toEqual(rows);
    expect(digest(drive.file())).toBe(file);
  });

  it('sends the close as the tab goes: a closed tab leaves no session open in Graph', async () => {
    let drive: Drive | undefined;
    const server = await servePage(() => drive?.stack);
    drive = await startDrive(server.origin);
    const { stack } = drive;
    const page = await open(server);
    await done(page, 'create', /^Session created/);
    const [session] = stack.emulator.activeSessions();
    await page.close({ runBeforeUnload: true });

    // The keepalive close outlives the page; nobody is left to read its answer, so wait for Graph to see it.
    await expect.poll(() => stack.emulator.activeSessions(), { timeout: 10_000 }).toEqual([]);
    expect(stack.emulator.calls().filter((call) => call.op === 'closeSession')).toMatchObject([
      { status: 204, sessionId: session?.id },
    ]);
  });

  it("follows a long create: waits out the 202's Retry-After, asks Location again, and works in the session it gets", async () => {
    const asyncCreateMs = 10 * 60_000; // Excel takes longer than the broker's answer budget
    let drive: Drive | undefined;
    const server = await servePage(() => drive?.stack);
    drive = await startDrive(server.origin, { asyncCreateMs });
    const { stack } = drive;
    const page = await open(server, { fakeClock: true });
    const polls = () => stack.logs.filter((line) => / GET \/api\/.*\/workbook\/operations\//.test(line)).length;
    const accepted = page.waitForResponse((response) => response.url().endsWith('/workbook/createSession'));

    await page.click('#create');
    const first = await accepted;
    expect(first.status()).toBe(202);
    const retryAfter = Number(await first.headerValue('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    await page.locator('#status[data-state="waiting"]').waitFor();
    expect(await page.textContent('#status')).toBe(
      `Excel is still opening the workbook; asking again in ${retryAfter} s.`,
    );

    // The page's clock is the test's: nothing is asked again before Retry-After has passed.
    await page.clock.runFor(retryAfter * 1000 - 100);
    expect(polls()).toBe(0);
    stack.clock.advance(asyncCreateMs); // Excel finishes opening the workbook
    await page.clock.runFor(100);
    await page.locator('#status[data-state="ready"]').waitFor();
    expect(await page.textContent('#status')).toBe(`Session created (idle timeout ${IDLE_TIMEOUT_SECONDS} s).`);
    expect(polls()).toBe(1);
    const [session] = stack.emulator.activeSessions();
    expect(await page.textContent('#session')).toBe(`Session open: ${session?.id}`);

    await done(page, 'list-sheets', /^Worksheets: Sheet1\.$/);
    await done(page, 'close', /^Session closed/);
    await page.close();
    expect(stack.emulator.activeSessions()).toEqual([]);
  });
});
