import { randomBytes, randomUUID } from 'node:crypto';

// Real ids look like `cluster=PUS7&session=15.SN3PEPF...A82.1.V24.<base64>...&usid=<uuid>`: hundreds of
// characters, base64-like, and full of characters that break naive URL or header handling. The emulator makes
// sure every one of `/ + = & .` appears so that callers' escaping is exercised on every run, not by luck.

/** A new opaque session id of well over 300 characters. */
export function newSessionId(): string {
  // 238 bytes → 320 base64 characters ending in "==".
  const chars = randomBytes(238).toString('base64').split('');
  chars[7] = '+';
  chars[19] = '/';
  const payload = chars.join('');
  return `cluster=EMU1&session=15.EMU1.A82.1.S24.${payload}&usid=${randomUUID()}`;
}

/** A key for `sessionInfoResource(key='...')`; kept URL-safe so it survives in a path without escaping. */
export function newResourceKey(): string {
  return randomBytes(24).toString('hex');
}
