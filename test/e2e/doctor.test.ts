import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIM_IDS } from '../../src/simulator/index.js';
import { DOCTOR_CHECKS } from './fixtures.js';
import { useE2E } from './harness.js';

// `fbsync doctor` through the built CLI against the simulator.

interface Check {
  name: string;
  title: string;
  ok: boolean;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

/** Every file in the folder with its bytes: doctor must leave all of them as they are. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name)).toString('base64')]));
}

describe('fbsync doctor', () => {
  const e2e = useE2E();

  const doctor = async (args: string[] = []) => e2e.cli(['doctor', '--config', e2e.configPath, ...args]);
  const doctorJson = async () => {
    const result = await doctor(['--json']);
    const report = JSON.parse(result.stdout) as { ok: boolean; exitCode: number; checks: Check[] };
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    return { result, report, byName };
  };
  const setConfig = (edit: (yaml: string) => string) => e2e.writeConfig(edit(fs.readFileSync(e2e.configPath, 'utf8')));

  it('is all green on a good setup, in text and JSON, and changes no byte of the store', async () => {
    e2e.sim.facebook.addPost({ message: 'Hello' });
    expect((await e2e.run()).code).toBe(0);
    const before = snapshot(e2e.dir);

    const text = await doctor();
    expect(text.code, text.stdout).toBe(0);
    expect(text.stdout).not.toMatch(/^[✗!-] /m);
    expect(text.stdout).toMatch(new RegExp(`^✓ configuration +loaded from ${e2e.configPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    expect(text.stdout).toMatch(/^✓ Page token valid .*expires: never; data access until: \d{4}-/m);
    expect(text.stdout).toMatch(/^✓ task template .*12 «Facebook post»/m);
    expect(text.stdout).toMatch(/All checks passed\./);

    const { result, report } = await doctorJson();
    expect(result.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(DOCTOR_CHECKS);
    for (const check of report.checks) {
      expect(check, check.name).toMatchObject({ ok: true, status: 'pass' });
      expect(check.detail).toEqual(expect.any(String));
    }
    expect(snapshot(e2e.dir)).toEqual(before);
  });

  it('writes nothing when there is no store: it stays absent, and the rest is checked', async () => {
    const before = snapshot(e2e.dir);
    const { result, report, byName } = await doctorJson();
    expect(snapshot(e2e.dir)).toEqual(before);
    expect(fs.existsSync(e2e.storePath)).toBe(false);
    expect(fs.existsSync(`${e2e.storePath}.lock`)).toBe(false);
    // A missing store is reported but is not a failure: the first run creates it.
    expect(byName.store).toMatchObject({ ok: true, status: 'warn', detail: expect.stringContaining('no store yet') });
    expect(byName['store.permissions']!.status).toBe('skip');
    expect(byName['facebook.pageToken']!.detail).toMatch(/facebook.pageAccessToken/);
    expect(report.ok).toBe(true);
    expect(result.code).toBe(0);
  });

  it('finds templates and custom fields past the first page of 100', async () => {
    let template = 0;
    let field = 0;
    for (let i = 0; i < 130; i++) template = e2e.sim.planfix.addTemplate('task', `Template ${i}`).id;
    for (let i = 0; i < 110; i++) field = e2e.sim.planfix.addCustomField('contact', `Field ${i}`).id;
    const contactTemplate = e2e.sim.planfix.addTemplate('contact', 'Late contact template').id;
    setConfig((y) =>
      y
        .replace(/taskTemplateId: \d+/, `taskTemplateId: ${template}`)
        .replace(/contactTemplateId: \d+/, `contactTemplateId: ${contactTemplate}`)
        .replace(/contactFacebookId: \d+/, `contactFacebookId: ${field}`),
    );
    const { byName } = await doctorJson();
    expect(byName['planfix.taskTemplate']).toMatchObject({ status: 'pass', detail: expect.stringContaining(`Template 129`) });
    expect(byName['planfix.contactTemplate']!.status).toBe('pass');
    expect(byName['planfix.fields.contactFacebookId']).toMatchObject({ status: 'pass' });
    const pages = e2e.sim.planfix.requestLog.filter((r) => r.path.startsWith('/rest/task/templates')).map((r) => new URL(r.path, 'http://x').searchParams.get('offset'));
    expect(pages).toEqual(['0', '100']);
  });

  it('names an unknown task template with the ones that exist, and exits 2', async () => {
    setConfig((y) => y.replace(/taskTemplateId: \d+/, 'taskTemplateId: 999'));
    const { result, byName } = await doctorJson();
    expect(result.code).toBe(2);
    expect(byName['planfix.taskTemplate']).toMatchObject({ ok: false, status: 'fail', detail: expect.stringMatching(/no task template 999 \(planfix.taskTemplateId\)/) });
    expect(byName['planfix.taskTemplate']!.fix).toMatch(/set planfix.taskTemplateId to one of .*12 «Facebook post»/);
    // The other checks still ran.
    expect(byName['planfix.contactTemplate']!.status).toBe('pass');
    expect(byName['facebook.page']!.status).toBe('pass');

    const text = await doctor();
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^✗ task template +Planfix has no task template 999/m);
    expect(text.stdout).toMatch(/^ +fix: set planfix.taskTemplateId/m);
  });

  it('names a missing custom field and warns about one that is not of Line type', async () => {
    setConfig((y) => y.replace(/contactFacebookId: \d+/, 'contactFacebookId: 777'));
    e2e.sim.planfix.state.taskFields.get(SIM_IDS.taskPostIdField)!.type = 2;
    const { result, byName } = await doctorJson();
    expect(result.code).toBe(2);
    expect(byName['planfix.fields.contactFacebookId']).toMatchObject({ status: 'fail', detail: expect.stringContaining('no contact custom field 777 (planfix.fields.contactFacebookId)') });
    expect(byName['planfix.fields.contactFacebookId']!.fix).toMatch(/101 «Facebook ID»/);
    expect(byName['planfix.fields.taskPostId']).toMatchObject({ ok: true, status: 'warn', detail: expect.stringMatching(/type 2, not Line/) });
  });

  it('a wrongly typed field alone is a warning: exit 0', async () => {
    e2e.sim.planfix.state.taskFields.get(SIM_IDS.taskPostIdField)!.type = 1;
    const { result, report } = await doctorJson();
    expect(result.code).toBe(0);
    expect(report.ok).toBe(true);
  });

  it('a revoked token fails with the fix, skips what depends on it, checks Planfix anyway, exits 3', async () => {
    e2e.sim.facebook.revokeToken(e2e.sim.facebook.pageToken);
    const { result, byName } = await doctorJson();
    expect(result.code).toBe(3);
    expect(byName['facebook.token']).toMatchObject({ ok: false, status: 'fail', detail: expect.stringMatching(/not valid.*invalidated/), fix: expect.stringContaining('fbsync reconnect') });
    expect(byName['facebook.permissions']!.status).toBe('skip');
    expect(byName['facebook.page']!.status).toBe('skip');
    expect(byName['planfix.token']!.status).toBe('pass');
    expect(byName['planfix.fields.contactFacebookId']!.status).toBe('pass');

    const text = await doctor();
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/^✗ Page token valid/m);
    expect(text.stdout).toMatch(/^- Page reachable +skipped/m);
  });

  it('names a permission not granted for this Page (exit 3)', async () => {
    const token = e2e.sim.facebook.issuePageToken({ scopeTargets: { pages_manage_engagement: ['999000000000001'] } });
    setConfig((y) => y.replace(/pageAccessToken: ".*"/, `pageAccessToken: "${token}"`));
    const { result, byName } = await doctorJson();
    expect(result.code).toBe(3);
    expect(byName['facebook.permissions']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/pages_manage_engagement is granted, but not for Page/) });
    expect(byName['facebook.permissions']!.fix).toMatch(/fbsync reconnect/);
    expect(byName['facebook.page']!.status).toBe('pass');
  });

  it('a refused Planfix token fails, skips the template checks, exits 3', async () => {
    setConfig((y) => y.replace(/token: ".*"/, 'token: "wrong-planfix-token"'));
    const { result, byName } = await doctorJson();
    expect(result.code).toBe(3);
    expect(byName['planfix.token']).toMatchObject({ status: 'fail', fix: expect.stringContaining('planfix.token') });
    expect(byName['planfix.taskTemplate']!.status).toBe('skip');
    expect(byName['facebook.page']!.status).toBe('pass');
  });

  it('reports a configuration that does not load as a failed check (exit 2), in JSON too', async () => {
    setConfig((y) => y.replace(/taskTemplateId: \d+/, 'taskTemplateId: twelve'));
    const { result, report, byName } = await doctorJson();
    expect(result.code).toBe(2);
    expect(report.ok).toBe(false);
    expect(byName.config).toMatchObject({ status: 'fail', detail: expect.stringContaining('planfix.taskTemplateId') });
    expect(byName['planfix.token']!.status).toBe('skip');
  });

  it('warns about a store other users can read, and fails on a file that is not a store', async () => {
    expect((await e2e.run()).code).toBe(0);
    fs.chmodSync(e2e.storePath, 0o644);
    const loose = await doctorJson();
    expect(loose.byName['store.permissions']).toMatchObject({ ok: true, status: 'warn', fix: `chmod 600 ${e2e.storePath}` });
    expect(loose.result.code).toBe(0);

    fs.writeFileSync(e2e.storePath, 'not a database, just text that is long enough to not be empty '.repeat(20));
    const before = fs.readFileSync(e2e.storePath);
    const broken = await doctorJson();
    expect(broken.result.code).toBe(2);
    expect(broken.byName.store).toMatchObject({ status: 'fail' });
    expect(broken.byName['facebook.token']!.status).toBe('pass'); // the configured token is still checked
    expect(fs.readFileSync(e2e.storePath)).toEqual(before);
  });
});
