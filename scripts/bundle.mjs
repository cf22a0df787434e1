// The bin's code as one set of ES modules (issue 9 § 10): loading zod, cosmiconfig and yaml as
// hundreds of small files costs more at every start than the code itself. Each command stays its
// own chunk, loaded when it runs (the simulator only with `demo`). Run by `npm run build` and by
// the tests' global setup, after tsc has type-checked and built dist/.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native (better-sqlite3) or never loaded (cosmiconfig's TypeScript loader: fbsync refuses code configs).
  external: ['better-sqlite3', 'typescript'],
  // CommonJS dependencies inside an ES module bundle still call require() for Node's own modules.
  banner: { js: "import { createRequire as __fbsyncRequire } from 'node:module'; const require = __fbsyncRequire(import.meta.url);" },
  logLevel: 'warning',
});
