import type { Turn } from '../gate/workbookGate';
import type { RetryKind } from './retryPolicy';

/** The methods Graph's workbook API takes, and so the ones the broker forwards. */
export const GRAPH_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;

export type GraphMethod = (typeof GRAPH_METHODS)[number];

/** One call to Graph, in the plain terms every workbook call shares. */
export interface GraphRequest {
  /** Its name in telemetry and logs: a bounded template, never ids or data. */
  readonly action: string;
  readonly method: GraphMethod;
  /** Absolute, and only ever under GRAPH_BASE_URL's origin. */
  readonly url: string;
  /** What may be repeated if it fails (retryPolicy.ts). */
  readonly retryKind: RetryKind;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/** Graph's answer as it came, whatever its status: the gateway passes it on, the session calls read it. */
export interface GraphReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export interface CallOptions {
  /** Epoch ms by which the broker must have its answer: no call or retry wait runs past it. */
  readonly deadline: number;
  /** Retry throttling and transient failures (default true). The sweep says no: it pauses the workbook instead. */
  readonly retry?: boolean;
  /**
   * The broker's own request id, sent as `client-request-id`: Graph echoes it and keeps it with its own `request-id`
   * (https://learn.microsoft.com/graph/best-practices-concept#reliability-and-support).
   */
  readonly requestId?: string;
  /** Told of every answer Graph gave, with Graph's own request-id, so the invocation's log holds both ids. */
  readonly onAnswer?: (answer: GraphAnswer) => void;
  /**
   * The workbook's turn (workbookGate.ts), taken by the caller and handed over: the call holds it through its
   * retries and releases it — with Graph's cooldown when Graph asked for one — however it ends.
   */
  readonly turn?: Turn;
}

export interface GraphAnswer {
  readonly action: string;
  readonly status: number;
  /** Graph's `request-id`: what Microsoft support asks for. */
  readonly graphRequestId: string | undefined;
  /** Graph's echo of our `client-request-id`. */
  readonly clientRequestId: string | undefined;
}

/** The generic call every Graph call goes through (callInTurn.ts). */
export type GraphCall = (request: GraphRequest, options: CallOptions) => Promise<GraphReply>;
