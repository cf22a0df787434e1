// What every Graph client shares (api-notes-facebook.md §1, §6): the `{graphUrl}/{version}` base and
// its URLs, appsecret_proof signing (with its classic fallback), JSON reads and paging.
// GraphClient (the Page) and OAuthClient (login and tokens) add only their own calls.

import type { BackoffPolicy } from '../http/backoff.js';
import { type HttpMethod, type HttpRequest, type HttpResponse, HttpClient, parseJson } from '../http/client.js';
import { AuthError, MalformedResponseError, type RemoteError } from '../http/errors.js';
import { redact, registerSecret } from '../http/secrets.js';
import { SideClient } from '../http/side-client.js';
import { apiUrl, pathOf } from '../http/url.js';
import { classifyGraphAnswer, describeRequest } from './graph-errors.js';
import type { Page } from './parse.js';
import { classicSignatureParams, signatureParams, withParams, withoutSignature } from './proof.js';

export interface GraphApiOptions {
  /** e.g. "https://graph.facebook.com"; tests and the simulator point it at 127.0.0.1. */
  graphUrl: string;
  /** e.g. "v24.0" */
  apiVersion: string;
  appSecret: string;
  /** Signs every request that is not given a token of its own (the Page client's Page token). */
  token?: string;
  /** How error messages name the token a request carried, e.g. "Page access token". */
  tokenName: string;
  concurrency: number;
  timeoutMs?: number;
  backoff?: BackoffPolicy;
}

export abstract class GraphApi extends SideClient {
  /** `{graphUrl}/{apiVersion}` without a trailing slash. */
  protected readonly base: string;
  /** Path part of `{graphUrl}` (usually ''), stripped from paths in messages. */
  protected readonly basePath: string;
  private readonly appSecret: string;
  private readonly token: string | undefined;
  private readonly tokenName: string;
  /** Token a request given one is signed with (the same object comes back on every retry). */
  private readonly tokens = new WeakMap<HttpRequest, string>();
  /**
   * If Graph refuses the timestamped proof, the classic one is used for the client's life (the notes
   * could not confirm which form every setup accepts: api-notes-facebook.md §9.9).
   */
  private proofForm: 'timestamped' | 'classic' = 'timestamped';

  constructor(options: GraphApiOptions) {
    super();
    registerSecret(options.appSecret);
    if (options.token) registerSecret(options.token);
    this.appSecret = options.appSecret;
    this.token = options.token;
    this.tokenName = options.tokenName;
    const graphUrl = options.graphUrl.replace(/\/+$/, '');
    this.base = `${graphUrl}/${options.apiVersion}`;
    this.basePath = (pathOf(graphUrl) ?? '').replace(/\/+$/, '');
    this.http = new HttpClient({
      side: 'facebook',
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
      backoff: options.backoff,
      prepare: (request) => this.sign(request),
      classify: (response, request) => this.classify(response, request),
      onResponse: (response) => this.onResponse(response),
    });
  }

  /** The `classify` hook: Graph's error mapping; a client with calls of its own may word their refusals first. */
  protected classify(response: HttpResponse, request: HttpRequest): RemoteError | undefined {
    return classifyGraphAnswer(response, request, { basePath: this.basePath, tokenName: this.tokenName });
  }

  /** Sees every answer (usage headers). */
  protected onResponse(_response: HttpResponse): void {}

  /** `{base}/{path}?{params}`; the token and proof are added per try by sign(). */
  protected url(path: string, params?: Record<string, string>): string {
    return apiUrl(this.base, path, params);
  }

  protected describe(method: HttpMethod, url: string): string {
    return describeRequest({ method, url }, this.basePath);
  }

  /**
   * Sends `request`, signed with `token` or the client's own. A refusal of the proof itself was not
   * applied, so repeating the request with the other form is safe.
   */
  protected async send(request: HttpRequest, token?: string): Promise<HttpResponse> {
    if (token) this.tokens.set(request, token);
    try {
      return await this.http.send(request);
    } catch (error) {
      const signed = this.tokenOf(request) !== undefined;
      if (!signed || this.proofForm === 'classic' || !(error instanceof AuthError) || !/appsecret/i.test(error.message)) throw error;
      this.proofForm = 'classic';
      return this.http.send(request);
    }
  }

  protected async getJson(url: string, token?: string): Promise<unknown> {
    const response = await this.send({ method: 'GET', url }, token);
    const parsed = parseJson(response.body);
    // classify already turned non-JSON answers into TransientErrors; this is the belt to its braces.
    if (!parsed) throw new MalformedResponseError('facebook', `Facebook answer to ${this.describe('GET', url)} is not JSON`);
    return parsed.value;
  }

  /**
   * Follows `paging.next` until it is absent (notes §1 "Pagination"). Known Graph paging faults
   * return the same page forever (notes §1, mobolic/facebook-sdk#510): a `next` URL seen before,
   * or a page of nothing but ids already seen, ends the listing with an error instead of a loop.
   * Ids repeated inside an otherwise new page are dropped. `read` fetches one page (default getJson).
   */
  protected async *pages<T extends { id: string }>(
    first: string,
    noun: string,
    parse: (value: unknown, what: string) => Page<T>,
    read: (url: string) => Promise<unknown> = (url) => this.getJson(url),
    /** Told, before each page is yielded, whether a next one follows. */
    onMore?: (more: boolean) => void,
  ): AsyncGenerator<T[]> {
    const seenIds = new Set<string>();
    const seenUrls = new Set<string>([withoutSignature(first)]);
    let url = first;
    for (let number = 1; ; number++) {
      const what = this.describe('GET', url);
      const page = parse(await read(url), what);
      const fresh: T[] = [];
      for (const item of page.items) {
        if (seenIds.has(item.id)) continue;
        seenIds.add(item.id);
        fresh.push(item);
      }
      if (page.items.length > 0 && fresh.length === 0) throw this.samePage(noun, what, number, 'every id on it was already listed');
      onMore?.(Boolean(page.next));
      if (fresh.length > 0) yield fresh;
      if (!page.next) return;
      const key = withoutSignature(page.next);
      if (seenUrls.has(key)) throw this.samePage(noun, what, number, 'its paging.next was already followed');
      seenUrls.add(key);
      url = page.next;
    }
  }

  private samePage(noun: string, what: string, number: number, why: string): MalformedResponseError {
    return new MalformedResponseError('facebook', redact(`Facebook returned the same page of ${noun} twice (${what}, page ${number}: ${why}); stopped instead of looping — try again later`));
  }

  private tokenOf(request: HttpRequest): string | undefined {
    return this.tokens.get(request) ?? this.token;
  }

  /** Fresh token + timestamped proof on every try: in the query for GET, in the form body for writes. */
  private sign(request: HttpRequest): HttpRequest {
    const token = this.tokenOf(request);
    if (!token) return request;
    const signature: Record<string, string> =
      this.proofForm === 'timestamped' ? signatureParams(token, this.appSecret) : classicSignatureParams(token, this.appSecret);
    // HttpClient signs the unsigned request on every try, so no earlier signature is in it.
    if (request.method === 'GET') return { ...request, url: withParams(request.url, signature) };
    return { ...request, form: { ...request.form, ...signature } };
  }
}
