import type net from 'node:net';

/**
 * Writes to `socket` batched per turn of the event loop: the first write of a turn corks it and
 * the check phase (setImmediate, after every I/O callback of that turn) uncorks it, so that the
 * frames one turn makes (a reply per host when 50 hosts' packets came in together) leave in one
 * writev, and the reader wakes once for them, not once per frame. Returns what socket.write
 * returns (false once the socket's buffer is full: the caller's backpressure is unchanged).
 */
export function batchedWriter(socket: net.Socket): (chunk: Buffer) => boolean {
  let corked = false;
  const flush = (): void => {
    corked = false;
    socket.uncork();
  };
  return (chunk) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(flush);
    }
    return socket.write(chunk);
  };
}
