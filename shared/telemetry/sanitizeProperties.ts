import type { TelemetryProperties } from './telemetry';

/** What Application Insights stores for a custom event: text dimensions and numeric measurements. */
export interface EventData {
  readonly properties: Record<string, string>;
  readonly measurements: Record<string, number>;
}

export const REDACTED = '[redacted]';

// Application Insights truncates custom dimension values at 8 KiB; cut earlier so one odd value cannot bloat a batch.
const MAX_VALUE_LENGTH = 1024;

/*
 * Defence in depth: the broker never puts a token in telemetry (session ids are hashed, see sessionLogId), but a
 * future property could carry one by mistake. Anything that looks like a credential is replaced before it leaves the
 * process: by the property's name, or by its value (an Authorization header, a JWT, a key=value secret as in a
 * connection string or SAS URL, or a long opaque run of token characters).
 */
const SECRET_NAME =
  /authori[sz]ation|bearer|token|secret|passw(or)?d|pwd|credential|cookie|signature|api[-_]?key|accountkey|connectionstring|functions-key/i;
const SECRET_VALUE = [
  /\bbearer\b/i,
  /\beyJ[\w-]{8,}\.[\w-]{8,}/, // a JWT: base64url of '{"' then a dot
  /(?:key|secret|password|pwd|token|signature|sig|code)\s*=\s*[^\s;&]+/i,
];
const OPAQUE_WORD = /^[A-Za-z0-9+/_.~=-]{32,}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when a text looks like a credential (a bearer token, a JWT, a key or a signature). */
export function looksLikeSecret(text: string): boolean {
  if (SECRET_VALUE.some((pattern) => pattern.test(text))) return true;
  return text
    .split(/\s+/)
    .some((word) => OPAQUE_WORD.test(word) && /\d/.test(word) && /[A-Za-z]/.test(word) && !GUID.test(word));
}

/** A text safe to send: the text itself, cut to a bounded length, or the redaction mark. */
export function safeText(text: string): string {
  return looksLikeSecret(text) ? REDACTED : text.slice(0, MAX_VALUE_LENGTH);
}

/**
 * The broker's event properties as Application Insights wants them: finite numbers become measurements, booleans
 * and text become dimensions (text passed through `safeText`, or redacted outright when the name says secret),
 * undefined values are left out.
 */
export function toEventData(properties: TelemetryProperties): EventData {
  const out: EventData = { properties: {}, measurements: {} };
  for (const [name, value] of Object.entries(properties)) {
    if (value === undefined) continue;
    if (SECRET_NAME.test(name)) out.properties[name] = REDACTED;
    else if (typeof value === 'number' && Number.isFinite(value)) out.measurements[name] = value;
    else if (typeof value === 'string') out.properties[name] = safeText(value);
    else out.properties[name] = String(value);
  }
  return out;
}
