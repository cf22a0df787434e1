// Batch requests (notes §3 "Batch"): up to 50 operations in one POST, each answered as
// {code, headers, body-as-string} in request order and each counted as a separate call. An
// operation without its own token uses the outer one. JSONPath references between operations
// are not modelled; `depends_on` is, as far as "skip when the dependency failed".

import { GraphError } from './errors.js';
import type { GraphRequest, Method } from './http-types.js';
import { parseBool } from './render.js';
import { splitVersion } from './versions.js';

export interface BatchAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface BatchOp {
  method?: string;
  relative_url?: string;
  body?: string;
  name?: string;
  depends_on?: string;
  omit_response_on_success?: boolean;
}

const MAX_OPS = 50;
const INHERITED = ['access_token', 'appsecret_proof', 'appsecret_time'];

export function runBatch(
  outer: GraphRequest,
  defaultVersion: string,
  run: (r: GraphRequest) => BatchAnswer,
  countCall: () => void,
): BatchAnswer {
  let ops: BatchOp[];
  try {
    ops = JSON.parse(outer.params.get('batch') ?? '');
  } catch {
    throw GraphError.param('(#100) The parameter batch must be a JSON-encoded array');
  }
  if (!Array.isArray(ops)) throw GraphError.param('(#100) The parameter batch must be a JSON-encoded array');
  if (ops.length > MAX_OPS) throw GraphError.param(`(#100) Too many requests in batch message. Maximum batch size is ${MAX_OPS}`);
  const includeHeaders = parseBool('include_headers', outer.params.get('include_headers')) ?? true;
  const failed = new Set<string>();
  const dependedOn = new Set(ops.map((o) => o?.depends_on).filter((d): d is string => typeof d === 'string'));

  const results = ops.map((op, i) => {
    if (!op || typeof op !== 'object' || typeof op.relative_url !== 'string') {
      throw GraphError.param(`(#100) Batch parameter ${i} must have a relative_url`);
    }
    if (op.depends_on && failed.has(op.depends_on)) {
      if (op.name) failed.add(op.name);
      return null;
    }
    countCall();
    const a = run(opRequest(outer, op, defaultVersion));
    if (a.status !== 200 && op.name) failed.add(op.name);
    if (a.status === 200 && op.name && dependedOn.has(op.name) && (op.omit_response_on_success ?? true)) return null;
    const item: Record<string, unknown> = { code: a.status };
    if (includeHeaders) item.headers = Object.entries(a.headers).map(([name, value]) => ({ name, value }));
    item.body = a.body;
    return item;
  });
  return { status: 200, headers: {}, body: JSON.stringify(results) };
}

function opRequest(outer: GraphRequest, op: BatchOp, defaultVersion: string): GraphRequest {
  const u = new URL('/' + op.relative_url!.replace(/^\//, ''), 'http://batch.invalid');
  const version = splitVersion(u.pathname, outer.prefix ? outer.prefix.slice(1) : defaultVersion) ?? { prefix: '', served: defaultVersion, rest: u.pathname };
  const params = new Map<string, string>(u.searchParams);
  if (op.body) for (const [k, v] of new URLSearchParams(op.body)) params.set(k, v);
  if (!params.has('access_token')) {
    for (const k of INHERITED) {
      const v = outer.params.get(k);
      if (v !== undefined) {
        params.set(k, v);
        u.searchParams.set(k, v);
      }
    }
  }
  const method = (op.method ?? 'GET').toUpperCase() as Method;
  return {
    method,
    segments: version.rest.split('/').filter(Boolean),
    rawPath: (version.prefix || outer.prefix) + version.rest,
    prefix: version.prefix || outer.prefix,
    origin: outer.origin,
    query: u.searchParams,
    params,
    authorization: outer.authorization,
  };
}
