import { createHash } from 'node:crypto';
import type { Invocation } from '../deps';
import { AnswerNotKeptError, InProgressError, OutcomeUnknownError, UnprocessableEntityError } from '../errors';
import { errorMessage } from '../errorMessage';
import { toErrorResponse } from '../errorResponse';
import type { Caller } from '../input/requestHeaders';
import { REPLAY_BODY_LIMIT, REPLAY_CLAIM_SECONDS, replayDueAt, type StoredReplay } from '../records/replayRecord';
import { replayRowKeyOf } from '../store/sessionKeys';
import type { WorkbookAddress } from '../workbookAddress';
import { aliveFrom } from '../store/claimHeartbeat';
import { claimKey } from '../store/claimKey';

/**
 * Idempotent workbook writes. A `POST`, `PATCH` or `DELETE` with `Idempotency-Key` is done at most once: the first request
 * claims the key with the fingerprint of what it asks; its answer — success or error, above all one whose outcome is
 * unknown (a `504`, a lost connection after the call went out) — is kept and replayed exactly to every repeat by the
 * same caller while it is retained. A repeat still running waits for the first. The same key with another request is
 * `422`. Only an answer that shows Graph did not act (`429`, `503`) frees the key for a fresh attempt.
 * (IETF draft-ietf-httpapi-idempotency-key-header; Power Automate re-sends POSTs on 408/429/5xx.)
 */
export interface WriteAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export type ReplayClaim =
  | { readonly kind: 'replay'; readonly answer: WriteAnswer }
  | { readonly kind: 'claimed'; readonly record: StoredReplay };

export interface WriteKey {
  readonly workbook: WorkbookAddress;
  readonly key: string;
  readonly caller: Caller | undefined;
  readonly fingerprint: string;
}

export function fingerprintOf(method: string, path: string, query: string, body: Uint8Array | undefined): string {
  const hash = createHash('sha256').update(`${method}\n${path}\n${query}\n`);
  if (body !== undefined) hash.update(body);
  return hash.digest('base64url');
}

export async function claimWriteKey(write: WriteKey, invocation: Invocation, deadline: number): Promise<ReplayClaim> {
  const { deps } = invocation;
  const rowKey = replayRowKeyOf(write.caller?.id, write.key);
  const fresh = () => {
    const life = aliveFrom(deps.now());
    return {
      ...write.workbook,
      rowKey,
      state: 'pending' as const,
      fingerprint: write.fingerprint,
      ...life,
      dueAt: replayDueAt(life, deps.config.retentionSeconds),
    };
  };
  const replay = (record: StoredReplay): ReplayClaim => ({ kind: 'replay', answer: answerOf(record) });
  return claimKey<StoredReplay, ReplayClaim>(
    {
      insert: async () => ({ kind: 'claimed', record: await deps.store.insertReplay(fresh()) }),
      read: () => deps.store.getReplay(write.workbook, rowKey),
      judge: (existing) => {
        if (existing.fingerprint !== write.fingerprint) {
          throw new UnprocessableEntityError(
            'This Idempotency-Key was already used for a different request; use a new key for a new request.',
          );
        }
        return existing.state === 'answered' ? { answer: replay(existing) } : 'held';
      },
      // Its request died (an instance killed) after it may have reached Graph: the outcome is unknown, for good.
      takeOver: async (existing) => replay(await settleUnknown(existing, invocation)),
      windowSeconds: REPLAY_CLAIM_SECONDS,
      // Deleted between our insert and our read (freed by its request): try again, but never past the deadline.
      onVanished: 'wait',
      busy: (retryAfterSeconds) =>
        new InProgressError('A request with this Idempotency-Key is still in progress.', retryAfterSeconds),
    },
    deps,
    deadline,
  );
}

/** Keeps the answer for the repeats. A failure is logged: a repeat then finds the claim and waits, then replays 504. */
export async function keepAnswer(claim: StoredReplay, answer: WriteAnswer, invocation: Invocation): Promise<void> {
  try {
    await invocation.deps.store.replaceReplay(claim, { ...claim, ...answered(answer) });
  } catch (error) {
    invocation.log.warn(
      'Could not keep the answer of an idempotent write; its repeats will be told the outcome is unknown.',
      {
        requestId: invocation.requestId,
        reason: errorMessage(error),
      },
    );
  }
}

/** Graph did not act (throttled, or the call never went out): a repeat may try afresh. */
export async function freeWriteKey(claim: StoredReplay, invocation: Invocation): Promise<void> {
  try {
    await invocation.deps.store.deleteReplay(claim);
  } catch (error) {
    invocation.log.warn(
      'Could not free an Idempotency-Key after Graph did not act; repeats wait for its claim to lapse.',
      {
        requestId: invocation.requestId,
        reason: errorMessage(error),
      },
    );
  }
}

/** A broker error as the bytes of its Graph-shaped answer, so it can be kept and replayed like Graph's own. */
export function renderedError(error: unknown, invocation: Invocation): WriteAnswer {
  const response = toErrorResponse(error, invocation.requestId, invocation.deps.now());
  return {
    status: response.status,
    headers: response.headers ?? {},
    body: new TextEncoder().encode(JSON.stringify(response.jsonBody)),
  };
}

/**
 * The claim's request died after it may have reached Graph: record that for good, so no repeat does it again — the
 * take-over of an abandoned write key, by a repeat (claimWriteKey) or by the sweep. `keepForSeconds` moves its sweep
 * date (the sweep settles a claim it finds still pending). A `ConcurrencyError`: someone else wrote first.
 */
export async function settleUnknown(
  existing: StoredReplay,
  invocation: Invocation,
  keepForSeconds?: number,
): Promise<StoredReplay> {
  const unknown = new OutcomeUnknownError(
    'The first request with this Idempotency-Key did not finish, and whether Graph acted is unknown. Check the workbook, then send again with a new key.',
  );
  const answer = renderedError(unknown, invocation);
  return invocation.deps.store.replaceReplay(existing, {
    ...existing,
    ...answered(answer),
    ...(keepForSeconds === undefined ? {} : { dueAt: invocation.deps.now() + keepForSeconds * 1000 }),
  });
}

/** A key's record once its answer is in: the body kept when it fits (REPLAY_BODY_LIMIT), its size either way. */
function answered(answer: WriteAnswer) {
  const kept = answer.body.byteLength <= REPLAY_BODY_LIMIT;
  return {
    state: 'answered' as const,
    status: answer.status,
    headers: JSON.stringify(answer.headers),
    body: kept ? answer.body : undefined,
    bodyBytes: answer.body.byteLength,
  };
}

function answerOf(record: StoredReplay): WriteAnswer {
  const headers = parseHeaders(record.headers);
  if (record.body === undefined) {
    throw new AnswerNotKeptError(
      `The request with this Idempotency-Key was done (Graph answered ${record.status ?? 'it'}), but its answer ` +
        `(${record.bodyBytes ?? 0} bytes) is larger than the broker keeps, so it is not replayed and the request is not done again. ` +
        'Read the result, then use a new key for a new request.',
    );
  }
  return { status: record.status ?? 200, headers, body: record.body };
}

function parseHeaders(json: string | undefined): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(json ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return {};
  }
}
