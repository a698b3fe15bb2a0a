import { HttpRequest, InvocationContext } from '@azure/functions';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startLocalHost } from '../dev/localHost';
import { toAzureHttpHandler, type HttpDeclaration } from '../host/declare';
import { loadConfig } from '../shared/config';
import type { Deps } from '../shared/deps';

const BAD = { SESSION_IDLE_TIMEOUT_SECONDS: 'soon' };
/** Deps as production builds them from a bad setting: loading the config throws, naming it. */
const badDeps = (): Deps => {
  loadConfig(BAD);
  throw new Error('unreachable: the setting is bad');
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type ErrorBody = { error: { code: string; message: string; innerError: { 'request-id': string } } };

describe('a bad setting', () => {
  it('answers 500 in Azure with request-id and the CORS expose header like every other answer, and logs the setting', async () => {
    const logged: string[] = [];
    const declaration: HttpDeclaration = {
      kind: 'http',
      name: 'createSession',
      methods: ['POST'],
      route: 'drives/{driveId}/items/{itemId}/workbook/createSession',
      handler: () => Promise.reject(new Error('never reached without deps')),
    };
    const handler = toAzureHttpHandler(declaration, badDeps);
    const request = new HttpRequest({
      method: 'POST',
      url: 'https://broker.example/api/drives/d/items/i/workbook/createSession',
      params: { driveId: 'd', itemId: 'i' },
    });
    const context = new InvocationContext({
      functionName: 'createSession',
      invocationId: 'x',
      logHandler: (_level, ...args) => logged.push(args.map(String).join(' ')),
    });
    const response = await handler(request, context);
    const headers = new Headers(response.headers);
    expect(response.status).toBe(500);
    expect(headers.get('request-id')).toMatch(UUID);
    expect(headers.get('access-control-expose-headers')).toBe('Location, Retry-After, request-id');
    const body = response.jsonBody as ErrorBody;
    expect(body.error.innerError['request-id']).toBe(headers.get('request-id'));
    expect(JSON.stringify(body)).not.toContain('SESSION_IDLE_TIMEOUT_SECONDS'); // the setting is for the log only
    expect(logged.join('\n')).toContain('SESSION_IDLE_TIMEOUT_SECONDS');
  });

  it('answers 500 under the local host with request-id and the CORS expose header too', async () => {
    const host = await startLocalHost({ port: 0, deps: badDeps, timers: false, log: () => undefined });
    try {
      const response = await fetch(`${host.url}/api/drives/d/items/i/workbook/createSession`, { method: 'POST' });
      expect(response.status).toBe(500);
      expect(response.headers.get('request-id')).toMatch(UUID);
      expect(response.headers.get('access-control-expose-headers')).toBe('Location, Retry-After, request-id');
      expect(((await response.json()) as ErrorBody).error.innerError['request-id']).toBe(
        response.headers.get('request-id'),
      );
    } finally {
      await host.close();
    }
  });

  it('stops npm start at once with a non-zero exit, naming the setting', async () => {
    const child = spawn(process.execPath, ['-r', './test/support/requireTs.cjs', './dev/start.ts'], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        // Set, so that neither Azurite nor the emulator is started: only the settings are under test.
        SESSION_TABLE_CONNECTION: 'UseDevelopmentStorage=true',
        GRAPH_BASE_URL: 'http://127.0.0.1:9/v1.0',
        ...BAD,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const outcome = await new Promise<{ code: number | null; started: boolean }>((resolve) => {
      // A start that gets as far as serving has not stopped: that is the failure this test looks for.
      child.stdout.on('data', () => {
        if (output.includes('Ctrl-C stops everything')) {
          child.kill('SIGTERM');
          resolve({ code: null, started: true });
        }
      });
      child.once('exit', (code) => resolve({ code, started: false }));
    });
    expect(outcome.started, output).toBe(false);
    expect(outcome.code).not.toBe(0);
    expect(output).toContain('SESSION_IDLE_TIMEOUT_SECONDS');
  });
});
