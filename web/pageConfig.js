// @ts-check

/**
 * @typedef {object} AuthConfig Entra ID sign-in, for a broker behind App Service Authentication.
 * @property {string} clientId The page's own app registration (a single-page application).
 * @property {string} tenantId
 * @property {string} scope The broker's scope, e.g. `api://<broker-client-id>/user_impersonation`.
 */

/**
 * @typedef {object} PageConfig
 * @property {string} brokerUrl The broker's `…/api`.
 * @property {{ driveId: string, itemId: string, worksheet: string, table: string }} workbook
 * @property {number} idleTimeoutSeconds Sent as `x-session-idle-timeout`: how long a forgotten session may hold the workbook.
 * @property {AuthConfig | null} auth `null` against the local stack, which checks no token.
 */

/**
 * The page's settings from `config.json` beside it, checked once: a missing setting stops the page with its name,
 * rather than as a failed call later.
 * @returns {Promise<Readonly<PageConfig>>}
 */
export async function loadPageConfig() {
  const response = await fetch('./config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json could not be read (${response.status}).`);
  /** @type {unknown} */
  const parsed = await response.json();
  if (typeof parsed !== 'object' || parsed === null) throw new Error('config.json must hold a JSON object.');
  const raw = /** @type {Record<string, unknown>} */ (parsed);
  const workbook = record(raw.workbook, 'workbook');
  const auth = raw.auth === null || raw.auth === undefined ? null : record(raw.auth, 'auth');
  const idle = raw.idleTimeoutSeconds;
  if (typeof idle !== 'number' || !Number.isInteger(idle) || idle < 60)
    throw new Error('config.json: idleTimeoutSeconds must be a whole number of seconds, at least 60.');
  return Object.freeze({
    brokerUrl: text(raw.brokerUrl, 'brokerUrl'),
    workbook: {
      driveId: text(workbook.driveId, 'workbook.driveId'),
      itemId: text(workbook.itemId, 'workbook.itemId'),
      worksheet: text(workbook.worksheet, 'workbook.worksheet'),
      table: text(workbook.table, 'workbook.table'),
    },
    idleTimeoutSeconds: idle,
    auth: auth && {
      clientId: text(auth.clientId, 'auth.clientId'),
      tenantId: text(auth.tenantId, 'auth.tenantId'),
      scope: text(auth.scope, 'auth.scope'),
    },
  });
}

/** @param {unknown} value @param {string} name @returns {string} */
function text(value, name) {
  if (typeof value !== 'string' || value.trim() === '')
    throw new Error(`config.json: ${name} must be a non-empty string.`);
  return value.trim();
}

/** @param {unknown} value @param {string} name @returns {Record<string, unknown>} */
function record(value, name) {
  if (typeof value !== 'object' || value === null) throw new Error(`config.json: ${name} must be an object.`);
  return /** @type {Record<string, unknown>} */ (value);
}
