import fs from 'node:fs';
import { labPaths } from './layout.js';
import type { LabState } from './types.js';

/** LAB_DIR/state.json, or null when there is no lab there (never started, or taken down). */
export function readLabState(dir: string): LabState | null {
  let text: string;
  try {
    text = fs.readFileSync(labPaths(dir).state, 'utf8');
  } catch {
    return null;
  }
  const state = JSON.parse(text) as LabState;
  return { ...state, hosts: state.hosts ?? [] };
}

/** Writes state.json atomically (tests read it while other helpers update it). */
export function writeLabState(dir: string, state: LabState): void {
  const file = labPaths(dir).state;
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/** Removes state.json (lab down). */
export function removeLabState(dir: string): void {
  fs.rmSync(labPaths(dir).state, { force: true });
}
