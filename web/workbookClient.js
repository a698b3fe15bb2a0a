// @ts-check
import { BrokerError, toBrokerError } from './brokerError.js';
import { retryAfterMs } from './retryAfter.js';

/** A long create is followed this many times at most (each after the broker's Retry-After) before giving up. */
const MAX_POLLS = 60;

/**
 * @typedef {object} WorkbookClientOptions
 * @property {string} brokerUrl The broker's `…/api`, e.g. `https://<function-app>.azurewebsites.net/api`.
 * @property {string} driveId
 * @property {string} itemId
 * @property {() => Promise<string | undefined>} accessToken A bearer token for the broker; none against the local stack.
 * @property {(ms: number) => Promise<void>} [waitForRetry] Waits out a 202's Retry-After; the page shows it meanwhile.
 */

/**
 * @typedef {object} CallInit
 * @property {string} [sessionId]
 * @property {unknown} [body] Sent as JSON: a JSON content type is also what tells the broker a preflight was passed.
 * @property {Record<string, string>} [headers]
 * @property {boolean} [keepalive]
 */

/**
 * The workbook's calls through the broker. They are Graph's own calls at Graph's own paths under the broker's base
 * URL, so this is all a page needs: no Graph token, no Graph SDK. Every path value is encoded once, as Graph decodes
 * it once, and a sheet name's apostrophes are doubled, as OData quotes them.
 * @param {WorkbookClientOptions} options
 */
export function workbookClient(options) {
  const root = `${options.brokerUrl.replace(/\/+$/, '')}/drives/${encodeURIComponent(options.driveId)}/items/${encodeURIComponent(options.itemId)}/workbook/`;
  const waitForRetry = options.waitForRetry ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));

  /** The token of the last call, for the close sent as the page goes, which has no time to ask for one. */
  /** @type {string | undefined} */
  let lastToken;

  /** @param {string} method @param {string} url @param {CallInit} [init] */
  async function send(method, url, init = {}) {
    return request(method, url, (lastToken = await options.accessToken()), init);
  }

  /** @param {string} method @param {string} url @param {string | undefined} token @param {CallInit} init */
  function request(method, url, token, init) {
    return fetch(url, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.sessionId ? { 'workbook-session-id': init.sessionId } : {}),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.keepalive ? { keepalive: true } : {}),
    });
  }

  /** @param {Response} response @returns {Promise<unknown>} */
  async function answer(response) {
    if (!response.ok) throw await toBrokerError(response);
    return response.status === 204 ? undefined : response.json();
  }

  /** @param {string} method @param {string} path @param {CallInit} [init] */
  const call = async (method, path, init) => answer(await send(method, root + path, init));

  /** @param {string} sheet @param {string} address */
  const rangePath = (sheet, address) =>
    `worksheets('${encodeURIComponent(sheet.replaceAll("'", "''"))}')/range(address='${encodeURIComponent(address)}')`;

  return {
    /**
     * Creates a session. A create that Excel takes long over answers `202` with `Location` and `Retry-After`: the
     * page asks `Location` again after each Retry-After until the answer is the session (`201`) or an error.
     * @param {{ persistChanges: boolean, idleTimeoutSeconds: number }} settings
     * @returns {Promise<{ id: string, persistChanges: boolean }>}
     */
    async createSession(settings) {
      let response = await send('POST', `${root}createSession`, {
        body: { persistChanges: settings.persistChanges },
        headers: { 'x-session-idle-timeout': String(settings.idleTimeoutSeconds) },
      });
      for (let polls = 0; response.status === 202; polls++) {
        const location = response.headers.get('location');
        if (!location || polls === MAX_POLLS) {
          throw new BrokerError(
            504,
            'gatewayTimeout',
            undefined,
            'Excel is still opening the workbook; try again in a while.',
            undefined,
          );
        }
        await waitForRetry(retryAfterMs(response.headers.get('retry-after'), Date.now()));
        response = await send('GET', new URL(location, root).href);
      }
      return /** @type {{ id: string, persistChanges: boolean }} */ (await answer(response));
    },

    /** @param {string} sessionId @returns {Promise<string[]>} the worksheets' names, in order */
    async listWorksheets(sessionId) {
      const listing = /** @type {{ value: Array<{ name: string }> }} */ (
        await call('GET', 'worksheets', { sessionId })
      );
      return listing.value.map((sheet) => sheet.name);
    },

    /** @param {string} sessionId @param {string} sheet @param {string} address */
    async getRange(sessionId, sheet, address) {
      return /** @type {{ address: string, values: unknown[][] }} */ (
        await call('GET', rangePath(sheet, address), { sessionId })
      );
    },

    /** @param {string} sessionId @param {string} sheet @param {string} address @param {unknown[][]} values */
    async updateRange(sessionId, sheet, address, values) {
      return /** @type {{ address: string, values: unknown[][] }} */ (
        await call('PATCH', rangePath(sheet, address), { sessionId, body: { values } })
      );
    },

    /** @param {string} sessionId @param {string} table @param {unknown[]} row */
    async addTableRow(sessionId, table, row) {
      const path = `tables('${encodeURIComponent(table.replaceAll("'", "''"))}')/rows/add`;
      return /** @type {{ index: number, values: unknown[][] }} */ (
        await call('POST', path, { sessionId, body: { values: [row] } })
      );
    },

    /** @param {string} sessionId */
    async closeSession(sessionId) {
      await call('POST', 'closeSession', { sessionId });
    },

    /**
     * The last try as the page goes away, sent at once (no await before it): `keepalive` lets the request outlive
     * the page, but nobody reads its answer and the browser may drop it. If it never arrives, the sweep closes the
     * session after its idle timeout.
     * @param {string} sessionId
     */
    closeAsPageGoes(sessionId) {
      void request('POST', `${root}closeSession`, lastToken, { sessionId, keepalive: true }).catch(() => undefined);
    },
  };
}
