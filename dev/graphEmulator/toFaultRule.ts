import { driveOps, sessionOps, workbookOps, type FaultOp, type FaultRule } from './types';

// Rules come from tests (typed) and from humans over the admin surface (anything at all), so both paths go
// through this one validator. Unknown fields are refused: a typo such as "latency" for "latencyMs" would
// otherwise add a rule that silently does nothing.

const ops: readonly FaultOp[] = [...sessionOps, ...workbookOps, ...driveOps, 'any'];
const methods: ReadonlyArray<NonNullable<FaultRule['method']>> = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];
const kinds: ReadonlyArray<FaultRule['kind']> = ['latency', 'status', 'drop'];
const fields = new Set([
  'op',
  'driveId',
  'itemId',
  'kind',
  'latencyMs',
  'status',
  'retryAfterSeconds',
  'innerCode',
  'probability',
  'times',
  'afterEffect',
  'method',
  'path',
]);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A clean copy of a valid rule; throws TypeError naming the first problem otherwise. */
export function toFaultRule(value: unknown): FaultRule {
  if (!isRecord(value)) throw new TypeError('A fault rule must be a JSON object.');
  const unknown = Object.keys(value).filter((key) => !fields.has(key));
  if (unknown.length > 0) throw new TypeError(`Unknown fault rule field(s): ${unknown.join(', ')}.`);

  const kind = kinds.find((k) => k === value.kind);
  if (kind === undefined) throw new TypeError(`kind must be one of ${kinds.join(', ')}.`);
  const rule: FaultRule = { kind };

  if (value.op !== undefined) {
    const op = ops.find((o) => o === value.op);
    if (op === undefined) throw new TypeError(`op must be one of ${ops.join(', ')}.`);
    rule.op = op;
  }
  if (value.method !== undefined) {
    const method = methods.find((m) => m === value.method);
    if (method === undefined) throw new TypeError(`method must be one of ${methods.join(', ')}.`);
    rule.method = method;
  }
  if (value.path !== undefined) rule.path = pathPattern(value.path);
  if (value.driveId !== undefined) rule.driveId = nonEmptyString(value.driveId, 'driveId');
  if (value.itemId !== undefined) rule.itemId = nonEmptyString(value.itemId, 'itemId');
  if (value.innerCode === null) rule.innerCode = null;
  else if (value.innerCode !== undefined) rule.innerCode = nonEmptyString(value.innerCode, 'innerCode');
  if (value.latencyMs !== undefined) rule.latencyMs = numberIn(value.latencyMs, 'latencyMs', 0, 600_000, false);
  if (value.status !== undefined) rule.status = numberIn(value.status, 'status', 400, 599, true);
  if (value.retryAfterSeconds !== undefined) {
    rule.retryAfterSeconds = numberIn(value.retryAfterSeconds, 'retryAfterSeconds', 0, 86_400, true);
  }
  if (value.probability !== undefined) rule.probability = numberIn(value.probability, 'probability', 0, 1, false);
  if (value.times !== undefined) rule.times = numberIn(value.times, 'times', 0, Number.MAX_SAFE_INTEGER, true);
  if (value.afterEffect !== undefined) {
    if (typeof value.afterEffect !== 'boolean') throw new TypeError('afterEffect must be a boolean.');
    rule.afterEffect = value.afterEffect;
  }

  if (kind === 'latency' && rule.latencyMs === undefined) throw new TypeError('A latency rule needs latencyMs.');
  if (kind === 'status' && rule.status === undefined) throw new TypeError('A status rule needs status (400-599).');
  return rule;
}

function pathPattern(value: unknown): string {
  const source = nonEmptyString(value, 'path');
  if (source.length > 500) throw new TypeError('path must be at most 500 characters.');
  try {
    new RegExp(source, 'i');
  } catch {
    throw new TypeError('path must be a valid regular expression.');
  }
  return source;
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${name} must be a non-empty string.`);
  return value;
}

function numberIn(value: unknown, name: string, min: number, max: number, integer: boolean): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
  if (!ok || (integer && !Number.isInteger(value))) {
    throw new TypeError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}.`);
  }
  return value;
}
