// @ts-check
import { describeError } from './brokerError.js';
import { loadPageConfig } from './pageConfig.js';
import { toRangeTable } from './rangeTable.js';
import { signInFor } from './signIn.js';
import { workbookClient } from './workbookClient.js';

/** @param {string} id */
const $ = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}.`);
  return element;
};
/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ ($(id));
/** @param {string} id */
const button = (id) => /** @type {HTMLButtonElement} */ ($(id));

const status = $('status');
const problem = $('error');

/**
 * What the page is doing, in words and as `data-state` (`ready`, `working`, `waiting`, `failed`) for tests and styles.
 * @param {'ready' | 'working' | 'waiting' | 'failed'} state @param {string} text
 */
function show(state, text) {
  status.dataset.state = state;
  status.textContent = text;
  if (state !== 'failed') problem.hidden = true;
}

/** @param {string} text */
function logStep(text) {
  const item = document.createElement('li');
  item.textContent = text;
  $('log').append(item);
}

try {
  const config = await loadPageConfig();
  const signIn = await signInFor(config.auth);
  const { workbook } = config;
  $('broker').textContent = config.brokerUrl;
  $('workbook').textContent = `${workbook.driveId} / ${workbook.itemId}`;
  $('idle').textContent = String(config.idleTimeoutSeconds);
  $('table-name').textContent = workbook.table;
  $('mode').textContent = !signIn.required
    ? 'no sign-in (local stack)'
    : signIn.user
      ? `signed in as ${signIn.user}`
      : 'not signed in';
  $('sign-in').hidden = !signIn.required || signIn.user !== undefined;
  button('sign-in').onclick = () => void signIn.signIn();

  const client = workbookClient({
    ...config.workbook,
    brokerUrl: config.brokerUrl,
    accessToken: signIn.accessToken,
    waitForRetry: (ms) => {
      show('waiting', `Excel is still opening the workbook; asking again in ${Math.ceil(ms / 1000)} s.`);
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
  });

  /** @type {string | undefined} */
  let sessionId;
  const inSession = ['close', 'list-sheets', 'read', 'write', 'add-row'];
  const canWork = !signIn.required || signIn.user !== undefined;
  /** Buttons follow the session: only Create without one, everything else with one. */
  const enable = () => {
    button('create').disabled = sessionId !== undefined || !canWork;
    for (const id of inSession) button(id).disabled = sessionId === undefined;
    $('session').textContent = sessionId ? `Session open: ${sessionId}` : 'No session open.';
  };

  /**
   * One user action: buttons off while it runs, its outcome shown, any error in words.
   * @param {string} id @param {string} doing @param {() => Promise<string>} work
   */
  const action = (id, doing, work) => {
    button(id).onclick = async () => {
      for (const b of document.querySelectorAll('button')) b.disabled = true;
      show('working', doing);
      try {
        const done = await work();
        logStep(done);
        show('ready', done);
      } catch (error) {
        problem.textContent = describeError(error);
        problem.hidden = false;
        show('failed', `${doing.replace(/…$/, '')} failed.`);
      } finally {
        enable();
      }
    };
  };

  action('create', 'Creating a session…', async () => {
    const session = await client.createSession({ persistChanges: true, idleTimeoutSeconds: config.idleTimeoutSeconds });
    sessionId = session.id;
    return `Session created (idle timeout ${config.idleTimeoutSeconds} s).`;
  });
  action('list-sheets', 'Listing worksheets…', async () => {
    const names = await client.listWorksheets(need(sessionId));
    const list = $('sheets');
    list.replaceChildren(...names.map((name) => Object.assign(document.createElement('li'), { textContent: name })));
    const select = /** @type {HTMLSelectElement} */ ($('sheet'));
    select.replaceChildren(...names.map((name) => new Option(name, name, false, name === workbook.worksheet)));
    return `Worksheets: ${names.join(', ')}.`;
  });
  action('read', 'Reading the range…', async () => {
    const range = await client.getRange(need(sessionId), sheet(), input('address').value);
    $('range').replaceChildren(toRangeTable(range));
    return `Read ${range.address}.`;
  });
  action('write', 'Writing the cell…', async () => {
    const range = await client.updateRange(need(sessionId), sheet(), input('cell').value, [[input('value').value]]);
    return `Wrote ${JSON.stringify(range.values[0]?.[0])} to ${range.address}.`;
  });
  action('add-row', 'Adding a row…', async () => {
    const row = [
      input('region').value,
      input('product').value,
      Number(input('units').value),
      Number(input('price').value),
      '',
    ];
    const added = await client.addTableRow(need(sessionId), workbook.table, row);
    return `Added row ${added.index} to ${workbook.table}: ${added.values[0]?.slice(0, 4).join(', ')}.`;
  });
  action('close', 'Closing the session…', async () => {
    await client.closeSession(need(sessionId));
    sessionId = undefined;
    return 'Session closed: the workbook is free.';
  });

  // A tab closed with a session open: try to close it on the way out. If that is lost, the broker's sweep closes
  // the session once it has been idle for its idle timeout.
  addEventListener('pagehide', () => {
    if (sessionId) client.closeAsPageGoes(sessionId);
  });

  /** The worksheet chosen, or the configured one before the list was read. */
  const sheet = () => /** @type {HTMLSelectElement} */ ($('sheet')).value || workbook.worksheet;
  enable();
  show('ready', canWork ? 'Ready: create a session.' : 'Sign in to start.');
} catch (error) {
  problem.textContent = describeError(error);
  problem.hidden = false;
  show('failed', 'The page could not start.');
}

/** @param {string | undefined} sessionId @returns {string} */
function need(sessionId) {
  if (!sessionId) throw new Error('Create a session first.');
  return sessionId;
}
