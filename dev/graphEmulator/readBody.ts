import type { IncomingMessage } from 'node:http';

// Bodies are read in full before routing so that a kept-alive connection is always left at a request boundary.
// Past the cap the bytes are drained and dropped rather than answered early: answering while the client is still
// uploading makes many clients report a socket error instead of the 413. Past a far larger bound the sender is
// plainly abusive and the socket is destroyed.

// 4 MiB: what the broker forwards at most, so anything it lets through reaches the emulator's own checks.
export const maxBodyBytes = 4 * 1024 * 1024;
const maxDrainBytes = 16 * maxBodyBytes;

export type BodyResult = { kind: 'ok'; body: Buffer } | { kind: 'tooLarge' } | { kind: 'aborted' };

export function readBody(req: IncomingMessage): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBodyBytes) chunks.push(chunk);
      else if (received > maxDrainBytes) req.socket.destroy();
    });
    req.on('end', () => {
      resolve(received > maxBodyBytes ? { kind: 'tooLarge' } : { kind: 'ok', body: Buffer.concat(chunks) });
    });
    // A client that vanishes mid-upload (or the destroy above) ends here; there is nobody left to answer.
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('close', () => {
      if (!req.complete) resolve({ kind: 'aborted' });
    });
  });
}
