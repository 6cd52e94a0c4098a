import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The lab directory every e2e test runs against (hosts.txt, ssh_config, state.json). */
    labDir: string;
  }
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The test lab: 5 hosts, in $ISUOPS_LAB_DIR, addresses $ISUOPS_LAB_BASE.x (defaults: README, Development). */
export const TEST_LAB_HOSTS = 5;

type LabModule = typeof import('../../../src/lab/index.js');

/**
 * Brings the lab up with the BUILT code (npm test builds first), hands its dir to the tests, and
 * takes it down at the end unless ISUOPS_KEEP_LAB=1 or it was already fully up before the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const lab = (await import(pathToFileURL(path.join(repo, 'dist/lab/index.js')).href)) as LabModule;
  const { dir, base } = lab.findRunLab('test');
  // ISUOPS_LAB_LATENCY=20ms: the whole suite behind the latency proxy (0: none; unset: as the lab is)
  const latency = process.env.ISUOPS_LAB_LATENCY;
  const latencyMs = latency ? lab.parseLatency(latency) : undefined;
  const r = await lab.bringLabUp({ dir, count: TEST_LAB_HOSTS, base, latencyMs });
  console.log(`e2e lab: ${r.state.hosts.length} hosts in ${dir} on ${r.state.base}.x${r.state.latency ? ` behind ${r.state.latency.rttMs} ms of latency` : ''} (${r.started.length} started, ${r.kept.length} kept) in ${r.durationMs} ms`);
  project.provide('labDir', dir);
  process.env.ISUOPS_TEST_LAB = dir;
  const foundUp = r.kept.length === r.state.hosts.length;
  return async () => {
    if (process.env.ISUOPS_KEEP_LAB === '1' || foundUp) return;
    await lab.takeLabDown(dir);
  };
}
