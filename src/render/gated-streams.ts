import { FlowGate } from '../ops/flow.js';
import type { OutStream, RenderStreams } from './types.js';

/** `stream` as renderers see it: a full buffer closes the gate until the stream drains; a failed one drops what is written. */
function gate(stream: NodeJS.WriteStream, flow: FlowGate): OutStream {
  // A stream that failed (its reader went away) never drains: nothing waits for it.
  let failed = false;
  stream.once('error', () => {
    failed = true;
    flow.open();
  });
  return {
    isTTY: stream.isTTY,
    write(chunk: string | Uint8Array): boolean {
      if (failed) return true;
      const ok = stream.write(chunk);
      if (!ok && !flow.isClosed) {
        flow.close();
        stream.once('drain', () => flow.open());
      }
      return ok;
    },
    drained(): Promise<void> {
      if (failed || !stream.writableNeedDrain) return Promise.resolve();
      return new Promise((resolve) => {
        const done = (): void => {
          stream.off('drain', done);
          stream.off('error', done);
          resolve();
        };
        stream.once('drain', done);
        stream.once('error', done);
      });
    },
  };
}

/** The process's stdout and stderr behind one FlowGate: ops pause their channels while it is closed. */
export function gateProcessStreams(): { streams: RenderStreams; flow: FlowGate } {
  const flow = new FlowGate();
  return { flow, streams: { stdout: gate(process.stdout, flow), stderr: gate(process.stderr, flow) } };
}
