/**
 * The most body each kind of call may carry, in bytes: the one place these limits live. A body over its limit is
 * refused with `413` as soon as its declared length (`Content-Length`) or the bytes streamed so far pass it, without
 * reading the rest (readBody.ts).
 */
export const BODY_LIMITS = Object.freeze({
  /** createSession, refreshSession, closeSession: a few bytes of JSON at most; anything near this is not one. */
  sessionCall: 16 * 1024,
  /** A workbook call forwarded to Graph: a range or a batch of rows; above this, split it into several calls. */
  workbookCall: 4 * 1024 * 1024,
});
