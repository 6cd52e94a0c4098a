// Bundles the CLI into one CommonJS file, dist/isuops.cjs, that bin/isuops runs through V8's code
// cache. One file instead of ~150 modules, and no compiling on a warm start: `exec` on 5 hosts
// spends ~0.13 s of CPU instead of ~0.22 s with tsc's separate modules. tsc still type-checks and
// emits dist/**/*.js, which tests and the bench import as a library.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Native add-ons stay outside the bundle, required from node_modules where npm put them. */
const nativeAddons = {
  name: 'native-addons',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => {
      const file = path.relative(path.join(repo, 'node_modules'), path.resolve(args.resolveDir, args.path));
      return { path: file.split(path.sep).join('/'), external: true };
    });
  },
};

/**
 * ssh2's packet code (protocol/crypto.js) gets node:crypto with randomFillSync drawn from a pool
 * (src/ssh/random-pool.ts): it fills every packet's padding with a call of its own.
 */
const pooledPadding = {
  name: 'pooled-padding',
  setup(b) {
    const shim = 'isuops-ssh2-crypto';
    b.onResolve({ filter: /^crypto$/ }, (args) =>
      /ssh2[\\/]lib[\\/]protocol[\\/]crypto\.js$/.test(args.importer) ? { path: shim, namespace: shim } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: shim }, () => ({
      contents: `const crypto = require('node:crypto');\nconst { pooledRandomFill } = require(${JSON.stringify(path.join(repo, 'src/ssh/random-pool.ts'))});\nmodule.exports = { ...crypto, randomFillSync: pooledRandomFill };\n`,
      loader: 'js',
      resolveDir: repo,
    }));
  },
};

/**
 * The remote shell scripts (src/remote/*.sh) ship inside the bundle: src/remote/source.ts, which
 * reads them from disk for tsc's dist/ and the tests, becomes a table of their texts.
 */
const remoteDir = path.join(repo, 'src/remote');
const remoteScripts = fs.readdirSync(remoteDir).filter((f) => f.endsWith('.sh')).sort();
const inlineRemoteScripts = {
  name: 'inline-remote-scripts',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]remote[\\/]source\.ts$/ }, () => {
      const texts = Object.fromEntries(remoteScripts.map((f) => [f.slice(0, -3), fs.readFileSync(path.join(remoteDir, f), 'utf8')]));
      return {
        contents: `const texts = ${JSON.stringify(texts)};\nexport function scriptSource(name) {\n  const text = texts[name];\n  if (text === undefined) throw new Error('no remote script ' + name);\n  return text;\n}\n`,
        loader: 'js',
        watchFiles: remoteScripts.map((f) => path.join(remoteDir, f)),
      };
    });
  },
};

// tsc's dist/ (tests, the bench, the lab as a library) reads them beside dist/remote/source.js.
fs.mkdirSync(path.join(repo, 'dist/remote'), { recursive: true });
for (const f of remoteScripts) fs.copyFileSync(path.join(remoteDir, f), path.join(repo, 'dist/remote', f));

await build({
  absWorkingDir: repo,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/isuops.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // cpu-features is an optional native dependency of ssh2 that compiles at install time.
  external: ['cpu-features'],
  // src/ is ESM: its one use of import.meta (cli.ts finding ../package.json) gets this file's URL.
  define: { 'import.meta.url': '__isuopsUrl' },
  banner: { js: "const __isuopsUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [nativeAddons, pooledPadding, inlineRemoteScripts],
  logLevel: 'warning',
});

// The thin client (src/warm/client.ts) that bin/isuops tries before it loads the CLI bundle: a
// few kilobytes, so that a run a warm worker takes costs the client no more than Node's start.
await build({
  absWorkingDir: repo,
  entryPoints: ['src/warm/client.ts'],
  outfile: 'dist/warm-client.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: { 'import.meta.url': '__isuopsUrl' },
  banner: { js: "const __isuopsUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
