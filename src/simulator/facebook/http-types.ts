// The sim's routes are plain functions from a parsed request to a response; the node:http
// plumbing (faults, latency, sockets) lives in server.ts. Keeping them apart lets batch
// requests run the same routes without a socket.

import type { PageState, Author } from './state.js';
import type { TokenStore } from './tokens.js';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface GraphRequest {
  method: Method;
  /** Path after the version prefix, split on `/`. */
  segments: string[];
  /** Path exactly as requested (with its version prefix), for `next` URLs. */
  rawPath: string;
  /** `/v24.0` or '' when the request had no version. */
  prefix: string;
  /** `http://host:port` from the Host header. */
  origin: string;
  /** Query string only (what `next` URLs repeat). */
  query: URLSearchParams;
  /** Query and body merged; body wins. */
  params: Map<string, string>;
  authorization?: string;
}

export interface GraphResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What the routes need from the sim. */
export interface RouteEnv {
  /** The Page whose object the request is about (the sim's first Page for requests about none). */
  state: PageState;
  /** Every Page with content (FacebookSimOptions.pages), by id; `state` is one of them. */
  states: Map<string, PageState>;
  tokens: TokenStore;
  appId: string;
  appSecret: string;
  appName: string;
  requireProof: boolean;
  user: Author;
  /** Every Page the sim's user administers: the sim's Page plus any a grant named. */
  pages: Map<string, string>;
  policyBlock: boolean;
  /** Replies (POST /{comment-id}/comments) answer #368 while set; `left` refusals, then it lifts. */
  replyBlock: { left: number } | null;
  /** A list page heavier than this answers "Please reduce the amount of data" (FacebookSimOptions.maxPageWeight). */
  maxPageWeight: number | null;
  /** `limit` of list requests is silently capped at this (FacebookSimOptions.pageLimitCap). */
  pageLimitCap: number | null;
  emptyCommentMessage: 'empty' | 'absent';
  nowMs(): number;
}
