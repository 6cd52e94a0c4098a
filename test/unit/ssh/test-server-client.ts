import ssh2, { type Client } from 'ssh2';

/** An ssh2 client logged in to the in-process test server on 127.0.0.1:`port` as `u`. */
export function connect(port: number): Promise<Client> {
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port, username: 'u' });
  });
}

/** Waits (up to 2.5 s, polling every 5 ms) until `fn()` holds; throws naming `what` if it never does. */
export const until = async (what: string, fn: () => boolean): Promise<void> => {
  for (let i = 0; i < 500; i++) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never: ${what}`);
};
