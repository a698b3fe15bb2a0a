import { expect } from 'vitest';
import { API, type Example, type ExampleCall } from './example';

// The session calls and their long-running operations (workbook-createsession, workbookoperation-get, …). See example.ts for what each entry holds.

const asyncCreate: ExampleCall = {
  method: 'POST',
  path: 'createSession',
  headers: { prefer: 'respond-async' },
  body: { persistChanges: true },
};

export const sessionExamples: Example[] = [
  {
    page: `${API}/workbook-createsession.md`,
    example: 'Example 2: Basic session creation',
    request: { method: 'POST', path: 'createSession', body: { persistChanges: true } },
    expect: { status: 201, properties: ['id', 'persistChanges'], values: { persistChanges: true } },
  },
  {
    page: `${API}/workbook-createsession.md`,
    example: 'Example 1: Session creation with long-running operation pattern',
    settings: { asyncCreateMs: 30_000 },
    request: asyncCreate,
    expect: { status: 202, location: /\/workbook\/operations\/[^/?]+$/, empty: true },
    inconsistent:
      'The page says a 202 has "an empty body" and its example shows `{}`: the emulator sends no body, as the prose says.',
  },
  {
    page: `${API}/workbookoperation-get.md`,
    example: 'Response running',
    settings: { asyncCreateMs: 30_000 },
    before: [asyncCreate],
    request: { method: 'GET', path: '{location}' },
    expect: { status: 200, properties: ['id', 'status'], values: { status: 'running' } },
  },
  {
    page: `${API}/workbookoperation-get.md`,
    example: 'Response succeeded',
    settings: { asyncCreateMs: 30_000 },
    before: [asyncCreate],
    advanceMs: 30_000,
    request: { method: 'GET', path: '{location}' },
    expect: {
      status: 200,
      properties: ['id', 'status', 'resourceLocation'],
      values: {
        status: 'succeeded',
        resourceLocation: expect.stringMatching(/\/workbook\/sessionInfoResource\(key='[^']+'\)/),
      },
    },
  },
  {
    page: `${API}/workbookoperation-get.md`,
    example: 'Response failed',
    settings: { asyncCreateMs: 30_000 },
    failNextOperations: 1,
    before: [asyncCreate],
    advanceMs: 30_000,
    request: { method: 'GET', path: '{location}' },
    expect: {
      status: 200,
      properties: ['id', 'status', 'error'],
      values: {
        status: 'failed',
        error: {
          code: 'internalServerError',
          message: expect.any(String),
          innerError: { code: 'internalServerErrorUncategorized' },
        },
      },
    },
    inconsistent:
      'The example is not valid JSON (`"code": ""internalServerErrorUncategorized"`) and its deepest innerError (`GenericFileOpenError`) names one cause among many: the code and the first inner code are checked.',
  },
  {
    page: `${API}/workbook-refreshsession.md`,
    example: 'Example',
    session: true,
    request: { method: 'POST', path: 'refreshSession', body: {} },
    expect: { status: 204, empty: true },
  },
  {
    page: `${API}/workbook-closesession.md`,
    example: 'Example',
    session: true,
    request: { method: 'POST', path: 'closeSession', body: {} },
    expect: { status: 204, empty: true },
  },
];
