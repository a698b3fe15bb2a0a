import { describe, expect, it } from 'vitest';
import { matchRoute } from '../dev/routeTemplate';
import { readBody } from '../shared/input/brokerRequest';
import { GraphError, GraphUnavailableError } from '../shared/errors';
import { cooldownUntil, isThrottling, retryAfterSeconds } from '../shared/graph/throttling';
import { codeForStatus, statusForCode } from '../shared/graph/graphCodes';
import { isRetryable, retryDelayMs, retryKindFor } from '../shared/graph/retryPolicy';
import { operationPollWaits } from '../shared/sessions/operationPollWaits';
import { isGoneInGraph, isSessionGone, isSessionGoneAfterWorkbookCall } from '../shared/sessions/sessionFate';
import { sessionDueAt, type SessionRecord } from '../shared/records/sessionRecord';
import { activityWriteIntervalMs } from '../shared/workbook/sessionActivity';

// The broker's pure rules, case by case: each is one function in one place, so a table of cases pins it down.

const NOW = Date.UTC(2026, 11, 1, 12);
const graphError = (status: number, innerCode?: string, retryAfter?: number) =>
  new GraphError(status, 'x', 'm', innerCode, retryAfter);

describe('Retry-After', () => {
  it.each([
    ['7', 7],
    [' 12 ', 12],
    [new Date(NOW + 30_500).toUTCString(), 30],
    [new Date(NOW - 60_000).toUTCString(), 0],
    ['soon', undefined],
    ['-5', undefined],
    ['', undefined],
    [null, undefined],
  ])('reads %j as %j seconds', (header, seconds) => {
    expect(retryAfterSeconds(header, NOW)).toBe(seconds);
  });
});

describe('what may be retried', () => {
  it.each([
    ['GET', 'idempotent'],
    ['PATCH', 'idempotent'],
    ['PUT', 'idempotent'],
    ['DELETE', 'write'],
    ['POST', 'write'],
    ['post', 'write'],
  ] as const)('a %s is %s', (method, kind) => {
    expect(retryKindFor(method)).toBe(kind);
  });

  it.each([
    ['idempotent', 429, true],
    ['idempotent', 503, true],
    ['idempotent', 504, true],
    ['idempotent', 'lost', true],
    ['write', 429, true],
    ['write', 503, true],
    ['write', 504, false],
    ['write', 'lost', false],
    ['create', 429, true],
    ['create', 503, true],
    ['create', 504, true],
    ['create', 'lost', false],
    ['idempotent', 500, false],
    ['idempotent', 404, false],
    ['write', 400, false],
  ] as const)('a %s call that got %s is retried: %s', (kind, failure, retried) => {
    const error = failure === 'lost' ? new GraphUnavailableError(false) : graphError(failure);
    expect(isRetryable(error, kind)).toBe(retried);
  });

  it.each([
    [{ attempt: 1, retryAfterSeconds: 2, remainingMs: 10_000, random: 0.5 }, 2000],
    [{ attempt: 1, retryAfterSeconds: 20, remainingMs: 10_000, random: 0.5 }, undefined],
    [{ attempt: 1, retryAfterSeconds: undefined, remainingMs: 10_000, random: 0.5 }, 250],
    [{ attempt: 3, retryAfterSeconds: undefined, remainingMs: 10_000, random: 1 }, 2000],
    [{ attempt: 4, retryAfterSeconds: 1, remainingMs: 10_000, random: 0.5 }, undefined],
  ])('waits %j → %j ms', (input, delay) => {
    expect(retryDelayMs(input)).toBe(delay);
  });
});

describe('throttling and cooldowns', () => {
  it.each([
    [429, undefined, true, NOW + 10_000],
    [429, 3, true, NOW + 3000],
    [503, 4, true, NOW + 4000],
    [503, undefined, false, undefined],
    [504, 5, false, undefined],
  ])('%s with Retry-After %j is throttling: %s, until %j', (status, retryAfter, throttling, until) => {
    expect(isThrottling(status, retryAfter)).toBe(throttling);
    expect(cooldownUntil(status, retryAfter, NOW)).toBe(until);
  });
});

describe("a Graph error's meaning for the session", () => {
  it.each([
    ['404 invalidSessionReCreatable', graphError(404, 'invalidSessionReCreatable'), true, true, true],
    ['a bare 404', graphError(404), true, false, true],
    ['500 internalServerErrorUncategorized', graphError(500, 'internalServerErrorUncategorized'), true, true, false],
    ['502', graphError(502), true, true, false],
    ['503 with no inner code', graphError(503), true, true, false],
    ['503 with Retry-After', graphError(503, undefined, 5), false, false, false],
    ['429', graphError(429, 'tooManyRequestsUncategorized', 5), false, false, false],
    ['409 accessConflict', graphError(409, 'accessConflict'), false, false, false],
    ['503 serviceUnavailableUncategorized', graphError(503, 'serviceUnavailableUncategorized'), false, false, false],
  ])(
    '%s: gone after a session call %s, after a forwarded call %s, gone in Graph itself %s',
    (_label, error, gone, goneAfterCall, inGraph) => {
      expect(isSessionGone(error)).toBe(gone);
      expect(isSessionGoneAfterWorkbookCall(error)).toBe(goneAfterCall);
      expect(isGoneInGraph(error)).toBe(inGraph);
    },
  );
});

describe('Graph codes and statuses', () => {
  it.each([
    [404, 'itemNotFound'],
    [429, 'tooManyRequests'],
    [503, 'serviceUnavailable'],
    [418, 'badRequest'],
    [599, 'internalServerError'],
  ])('%s without a code reads as %s', (status, code) => {
    expect(codeForStatus(status)).toBe(code);
  });

  it.each([
    ['ItemNotFound', 404],
    ['notFound', 404],
    ['AccessDenied', 403],
    ['TooManyRequests', 429],
    ['GenericFileOpenError', 500],
  ])('%s stands for %s', (code, status) => {
    expect(statusForCode(code)).toBe(status);
  });
});

describe('when the sweep looks at a session, and how often activity is written', () => {
  const live: Omit<SessionRecord, 'dueAt'> = {
    driveId: 'd',
    itemId: 'i',
    sessionId: 's',
    persistChanges: true,
    createdAt: NOW,
    lastCallerActivityAt: NOW,
    lastGraphContactAt: NOW,
    idleTimeoutSeconds: 600,
    state: 'live',
  };
  const timing = { refreshAfterSeconds: 180, retentionSeconds: 3600 };
  it.each([
    ['a live session: its next refresh', live, NOW + 180_000],
    [
      'a live session whose caller went quiet long ago: its idle end',
      { ...live, lastCallerActivityAt: NOW - 590_000 },
      NOW + 10_000,
    ],
    ['a throttled one: after its cooldown', { ...live, deferredUntil: NOW + 500_000 }, NOW + 500_000],
    ['a closing one: when its claim lapses', { ...live, state: 'closing' as const, claimedAt: NOW }, NOW + 120_000],
    ['an ended one: after its retention', { ...live, state: 'closed' as const, endedAt: NOW }, NOW + 3_600_000],
  ])('%s', (_label, record, due) => {
    expect(sessionDueAt(record, timing)).toBe(due);
  });

  it.each([
    [60, 15_000],
    [119, 29_750],
    [120, 30_000],
    [1800, 30_000],
  ])('a session idle after %s s has its activity written at most every %s ms', (idleTimeoutSeconds, interval) => {
    expect(activityWriteIntervalMs({ idleTimeoutSeconds })).toBe(interval);
  });

  it('polls an operation at Retry-After, else 1, 2, 4… s up to 30 s', () => {
    const next = operationPollWaits();
    expect(
      [undefined, undefined, 7, undefined, undefined, undefined, undefined, undefined].map((r) => next(r)),
    ).toEqual([1000, 2000, 7000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe('route matching', () => {
  it.each([
    [
      'drives/{driveId}/items/{itemId}/workbook/createSession',
      'drives/d/items/i/workbook/createSession',
      { driveId: 'd', itemId: 'i' },
    ],
    [
      'drives/{driveId}/items/{itemId}/workbook/createSession',
      'DRIVES/d/ITEMS/i/Workbook/CreateSession/',
      { driveId: 'd', itemId: 'i' },
    ],
    ['drives/{driveId}/items/{itemId}/workbook/createSession', 'drives//items/i/workbook/createSession', undefined],
    [
      'drives/{driveId}/items/{itemId}/workbook/createSession',
      'drives/b%21x/items/i/workbook/createSession',
      { driveId: 'b!x', itemId: 'i' },
    ],
    [
      'drives/{driveId}/items/{itemId}/workbook/operations/{operationId}',
      'drives/d/items/i/workbook/operations',
      undefined,
    ],
  ])('%s against %s', (template, path, params) => {
    expect(matchRoute(template, path)).toEqual(params);
  });
});

describe('a declared body length', () => {
  const request = (contentLength: string | null) => ({
    params: {},
    headers: { get: (name: string) => (name === 'content-length' ? contentLength : null) },
    body: null,
  });
  it.each([
    ['12', 'read'],
    ['1000000000000', 'payloadTooLarge'],
    ['12abc', 'badRequest'],
    ['-1', 'badRequest'],
  ])('Content-Length %s is %s', async (contentLength, outcome) => {
    const read = readBody(request(contentLength), 1024);
    if (outcome === 'read') await expect(read).resolves.toBe('');
    else await expect(read).rejects.toMatchObject({ code: outcome });
  });
});
