import { StringDecoder } from 'node:string_decoder';
import type { HostEvent } from '../ops/events.js';
import type { HostResult } from '../ops/result.js';
import { HeldOutput, writeDrained } from './held-output.js';
import type { OutStream, Renderer, RenderStreams } from './types.js';

/** `held` as the inside of a JSON string, written piece by piece (no string of the whole output is made). */
async function writeJsonString(stream: OutStream, held: HeldOutput): Promise<void> {
  const decoder = new StringDecoder('utf8');
  for (const piece of held.pieces()) await writeDrained(stream, JSON.stringify(decoder.write(piece)).slice(1, -1));
  const rest = decoder.end();
  if (rest) await writeDrained(stream, JSON.stringify(rest).slice(1, -1));
}

/**
 * --json for exec-like commands: one NDJSON object per host when it is done, the result's
 * fields plus `stdout` and `stderr` (each line ended by `\n`; bytes that are not UTF-8 become U+FFFD).
 * The output is held like -b's (memory, then a temp file) and written out in pieces, so a host
 * printing gigabytes makes a long line, not a crash (V8 strings stop at 512 MiB).
 */
export function createJsonRenderer(streams: RenderStreams): Renderer {
  const buffers = new Map<string, { stdout: HeldOutput; stderr: HeldOutput }>();
  const bufferFor = (host: string): { stdout: HeldOutput; stderr: HeldOutput } => {
    let entry = buffers.get(host);
    if (!entry) buffers.set(host, (entry = { stdout: new HeldOutput(), stderr: new HeldOutput() }));
    return entry;
  };
  // Objects go out one after the other; one whose output went to a temp file is written in
  // pieces, each waiting for the stream to drain, and those after it wait their turn.
  let writing: Promise<void> = Promise.resolve();
  let queued = 0;
  const writeObject = async (result: HostResult, entry: { stdout: HeldOutput; stderr: HeldOutput }): Promise<void> => {
    const { host, ok, status, exitCode, signal, timedOut, error, durationMs, ...extra } = result;
    const lost = [entry.stdout.failure, entry.stderr.failure].find((f) => f !== undefined);
    const head = JSON.stringify({ host, ok, status, exitCode, signal, timedOut, error: lost && !error ? `${lost}; its output is cut short` : error });
    await writeDrained(streams.stdout, `${head.slice(0, -1)},"stdout":"`);
    await writeJsonString(streams.stdout, entry.stdout);
    await writeDrained(streams.stdout, '","stderr":"');
    await writeJsonString(streams.stdout, entry.stderr);
    await writeDrained(streams.stdout, `",${JSON.stringify({ durationMs, ...extra }).slice(1)}\n`);
    entry.stdout.release();
    entry.stderr.release();
  };
  const writeSmall = (result: HostResult, entry: { stdout: HeldOutput; stderr: HeldOutput }): void => {
    const { host, ok, status, exitCode, signal, timedOut, error, durationMs, ...extra } = result;
    const text = (held: HeldOutput): string => Buffer.concat([...held.pieces()]).toString('utf8');
    streams.stdout.write(`${JSON.stringify({ host, ok, status, exitCode, signal, timedOut, error, stdout: text(entry.stdout), stderr: text(entry.stderr), durationMs, ...extra })}\n`);
  };
  return {
    handle(event: HostEvent): void {
      if (event.type === 'stdout' || event.type === 'stderr') {
        const held = bufferFor(event.host)[event.type];
        held.append(event.line);
        // The pieces of a cut line are joined again.
        if (!event.partial) held.append(NEWLINE);
      } else if (event.type === 'done') {
        const entry = bufferFor(event.host);
        buffers.delete(event.host);
        if (queued === 0 && entry.stdout.inMemory && entry.stderr.inMemory) {
          writeSmall(event.result, entry);
          return;
        }
        queued += 1;
        writing = writing.then(() => writeObject(event.result, entry)).finally(() => (queued -= 1));
      }
    },
    async finish(_results: readonly HostResult[]): Promise<void> {
      await writing;
    },
  };
}

const NEWLINE = Buffer.from('\n');
