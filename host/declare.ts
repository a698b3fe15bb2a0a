import {
  app,
  type HttpMethod,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
  type Timer,
} from '@azure/functions';
import { randomUUID } from 'node:crypto';
import type { Deps, Invocation } from '../shared/deps';
import type { BrokerResponse } from '../shared/errorResponse';
import { respond, respondUnconfigured } from '../shared/respond';
import { invocationOf } from './invocation';
import { httpAuthLevelOf } from '../shared/config';
import { productionDeps } from './productionDeps';
import { resolveSchedule } from './resolveSchedule';

export interface HttpDeclaration {
  readonly kind: 'http';
  readonly name: string;
  readonly methods: HttpMethod[];
  /** Relative to the route prefix (shared/brokerUrls.ts), in the Functions route syntax (`{name}` parameters). */
  readonly route: string;
  /** What the function does with a request; whatever it throws becomes Graph's error shape (answerHttp). */
  readonly handler: (request: HttpRequest, invocation: Invocation) => Promise<BrokerResponse>;
}

export interface TimerDeclaration {
  readonly kind: 'timer';
  readonly name: string;
  /** NCRONTAB with seconds, or an app-setting expression such as `%SWEEP_SCHEDULE%`. */
  readonly schedule: string;
  /** Values for settings the schedule names, used when they are unset. */
  readonly scheduleDefaults?: Readonly<Record<string, string>>;
  readonly handler: (timer: Timer, invocation: Invocation) => Promise<void>;
}

export type Declaration = HttpDeclaration | TimerDeclaration;

/**
 * Every function, declared once. The same list registers the functions with the Functions host (`app.http`,
 * `app.timer`) and drives the local host in dev/, so the two can never disagree on names, routes or methods.
 */
const declarations: Declaration[] = [];

export function declaredFunctions(): readonly Declaration[] {
  return declarations;
}

export function declareHttp(declaration: Omit<HttpDeclaration, 'kind'>): void {
  const full: HttpDeclaration = { kind: 'http', ...declaration };
  declarations.push(full);
  if (underLocalHost()) return;
  streamBodies();
  app.http(full.name, {
    methods: full.methods,
    route: full.route,
    // A bad value registers with keys required (the safe side); every invocation then answers a plain 500 and logs
    // the setting's name (answerHttp).
    authLevel: httpAuthLevelOf(process.env) ?? 'function',
    handler: toAzureHttpHandler(full, productionDeps),
  });
}

/**
 * What the Functions host calls for one HTTP function. A bad setting cannot stop the process in Azure, so it is
 * logged with the setting's name and answered as a plain 500 that carries `request-id` and the CORS expose header
 * like every other answer.
 */
export function toAzureHttpHandler(
  declaration: HttpDeclaration,
  deps: () => Deps,
): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  return (request, context) => answerHttp(declaration, request, context, deps);
}

/**
 * One HTTP invocation, as Azure and the local host both run it: the deps (or, when a setting is bad, the plain 500),
 * this invocation's logger and request id, and `respond`, which turns whatever the handler throws into the answer.
 */
export async function answerHttp(
  declaration: HttpDeclaration,
  request: HttpRequest,
  context: InvocationContext,
  deps: () => Deps,
): Promise<HttpResponseInit> {
  const built = depsOrNull(context, deps);
  if (!built) return respondUnconfigured(randomUUID(), Date.now());
  const invocation = invocationOf(context, built);
  return respond(invocation, () => declaration.handler(request, invocation));
}

/** One timer invocation, as Azure and the local host both run it: nothing runs when a setting is bad (logged). */
export async function runTimer(
  declaration: TimerDeclaration,
  timer: Timer,
  context: InvocationContext,
  deps: () => Deps,
): Promise<void> {
  const built = depsOrNull(context, deps);
  if (built) await declaration.handler(timer, invocationOf(context, built));
}

export function declareTimer(declaration: Omit<TimerDeclaration, 'kind'>): void {
  const full: TimerDeclaration = { kind: 'timer', ...declaration };
  declarations.push(full);
  if (underLocalHost()) return;
  app.timer(full.name, {
    schedule: resolveSchedule(full.schedule, process.env, full.scheduleDefaults ?? {}),
    handler: (timer, context) => runTimer(full, timer, context, productionDeps),
  });
}

let streaming = false;

/**
 * Request bodies reach the functions as streams (https://aka.ms/AzFuncNodeHttpStreams), not as one buffer the worker
 * has already received whole: so readBody can refuse an oversized body after reading no more than its limit. Must
 * run before the first function is registered.
 */
function streamBodies(): void {
  if (streaming) return;
  app.setup({ enableHttpStream: true });
  streaming = true;
}

/** Set by dev/loadFunctions.ts: the local host serves the same declarations with its own router instead. */
function underLocalHost(): boolean {
  return process.env.BROKER_LOCAL_HOST === '1';
}

/** A configuration error is logged with the setting's name and answered as a plain 500; it never escapes. */
function depsOrNull(context: InvocationContext, deps: () => Deps): Deps | null {
  try {
    return deps();
  } catch (error) {
    context.error(`Configuration error: ${error instanceof Error ? error.message : 'unknown'}`);
    return null;
  }
}
