import { describe, expect, it } from 'vitest';
import { describeNetworkFailure } from '../../src/http/client.js';

describe('transport error codes, named with the fix', () => {
  it('DNS: host not found, check the side’s address, DNS or proxy', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      expect(describeNetworkFailure('planfix', code, 30_000)).toEqual({ problem: 'dns', reason: 'host not found', fix: 'check planfix.url, DNS or proxy' });
    }
    expect(describeNetworkFailure('facebook', 'ENOTFOUND', 30_000).fix).toBe('check facebook.graphUrl, DNS or proxy');
  });

  it('refused, timeout, TLS and reset each have their reason', () => {
    expect(describeNetworkFailure('planfix', 'ECONNREFUSED', 1).reason).toBe('connection refused');
    expect(describeNetworkFailure('planfix', 'ETIMEDOUT', 5000).reason).toBe('no answer within 5000 ms');
    for (const code of ['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'EPROTO']) {
      expect(describeNetworkFailure('facebook', code, 1)).toMatchObject({ problem: 'tls', reason: `TLS failed: ${code}` });
    }
    expect(describeNetworkFailure('facebook', 'ECONNRESET', 1).problem).toBe('reset');
  });
});
