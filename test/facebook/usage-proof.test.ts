// The pure parts: usage-header reading and policy, appsecret_proof, next-URL rewriting.

import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { ThrottledError } from '../../src/http/errors.js';
import { Throttle } from '../../src/http/throttle.js';
import { appsecretProof, withParams, withoutSignature } from '../../src/facebook/proof.js';
import { applyUsage, readUsage, slowDownMs } from '../../src/facebook/usage.js';

describe('readUsage', () => {
  it('takes the highest percentage over all three headers', () => {
    const usage = readUsage({
      'x-app-usage': '{"call_count":28,"total_time":25,"total_cputime":25}',
      'x-page-usage': '{"call_count":5,"total_cputime":77,"total_time":3}',
      'x-business-use-case-usage': '{"112130216863063":[{"type":"pages","call_count":1,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0}],"99":[{"type":"pages","call_count":60,"total_cputime":2,"total_time":2,"estimated_time_to_regain_access":4}]}',
    });
    expect(usage).toEqual({ percent: 77, regainAfterMinutes: 4, header: 'X-Page-Usage' });
  });

  it('ignores malformed or missing headers', () => {
    expect(readUsage({})).toBeUndefined();
    expect(readUsage({ 'x-app-usage': '{"call_count":9' })).toBeUndefined();
    expect(readUsage({ 'x-business-use-case-usage': '[1,2]', 'x-app-usage': '"text"' })).toBeUndefined();
    expect(readUsage({ 'x-app-usage': '{nope', 'x-page-usage': '{"call_count":12}' })).toMatchObject({ percent: 12 });
  });
});

describe('applyUsage', () => {
  const usage = (percent: number, regainAfterMinutes = 0) => ({ percent, regainAfterMinutes, header: 'X-App-Usage' });

  it('full speed below 75 %, slower up to 2 s between 75 and 90 %, stop at 90 %', () => {
    const throttle = new Throttle('facebook', 0);
    const slow = vi.spyOn(throttle, 'slowDown');
    applyUsage(usage(40), throttle);
    expect(slow).toHaveBeenLastCalledWith(0);
    applyUsage(usage(82), throttle);
    // 200 ms at 75 %, rising linearly to 2 s at 90 %: 82 % is 7/15 of the way.
    expect(slow).toHaveBeenLastCalledWith(1040);
    expect([slowDownMs(74.9), slowDownMs(75), slowDownMs(76), slowDownMs(88), slowDownMs(89.9)]).toEqual([0, 200, 320, 1760, 1988]);
    expect(throttle.stopped).toBeUndefined();
    applyUsage(usage(90), throttle);
    expect(throttle.stopped).toBeInstanceOf(ThrottledError);
  });

  it('stops when Facebook names a time to regain access, and keeps it as retryAfterMs', async () => {
    const throttle = new Throttle('facebook', 0);
    applyUsage(usage(20, 12), throttle);
    expect(throttle.stopped?.retryAfterMs).toBe(12 * 60_000);
    await expect(throttle.admit()).rejects.toBeInstanceOf(ThrottledError);
  });
});

describe('appsecret_proof', () => {
  it('is the hex HMAC-SHA256 of token|time keyed with the app secret', () => {
    const expected = createHmac('sha256', 'secret').update('fake-token|1700000000').digest('hex');
    expect(appsecretProof('fake-token', 'secret', 1700000000)).toBe(expected);
  });

  it('replaces only the signature in a next URL, keeping the rest byte for byte', () => {
    const next = 'http://127.0.0.1:4010/v24.0/1_2/comments?fields=id%2Cmessage&access_token=OLD&limit=100&appsecret_proof=x&appsecret_time=1&after=QVFI%3D%3D';
    const signed = withParams(next, { access_token: 'NEW', appsecret_proof: 'p', appsecret_time: '2' });
    expect(signed).toBe('http://127.0.0.1:4010/v24.0/1_2/comments?fields=id%2Cmessage&limit=100&after=QVFI%3D%3D&access_token=NEW&appsecret_proof=p&appsecret_time=2');
    expect(withoutSignature(signed)).toBe(withoutSignature(next));
    expect(withoutSignature(next)).toBe('http://127.0.0.1:4010/v24.0/1_2/comments?fields=id%2Cmessage&limit=100&after=QVFI%3D%3D');
  });
});
