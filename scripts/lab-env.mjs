#!/usr/bin/env node
// Prints `DIR BASE` of one of the labs that the project's tests, demo and bench start (ROLE: test,
// demo, bench, bastion, ...), from the environment or this checkout's own defaults (see README,
// Development). Needs the build (dist/lab/run-env.js). Usage: node scripts/lab-env.mjs ROLE
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { RUN_LABS, findRunLab } = await import(pathToFileURL(path.join(repo, 'dist/lab/run-env.js')).href);
const role = process.argv[2];
if (!role || !(role in RUN_LABS)) {
  console.error(`usage: node scripts/lab-env.mjs ROLE (one of ${Object.keys(RUN_LABS).join(', ')})`);
  process.exit(2);
}
try {
  const { dir, base } = findRunLab(role);
  console.log(`${dir} ${base}`);
} catch (e) {
  console.error(`lab-env: ${e.message}`);
  process.exit(2);
}
