import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    buildError: string;
  }
}

// End-to-end tests run the built CLI: build it from the sources under test, once per test run.
// A failed build fails the end-to-end tests (harness.ts), not the unit tests that need no build.
export default function setup(project: TestProject): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    // Incremental: when the sources have not changed since the last test run, tsc only compares
    // them with dist/.tsbuildinfo (seconds instead of a full build); `rm -rf dist` starts afresh.
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], { cwd: root, stdio: 'pipe' });
    // The bin runs the bundle (scripts/bundle.mjs), as `npm run build` makes it.
    execFileSync(process.execPath, [path.join(root, 'scripts/bundle.mjs')], { cwd: root, stdio: 'pipe' });
    project.provide('buildError', '');
  } catch (error) {
    const out = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    project.provide('buildError', out.slice(0, 4000));
  }
}
