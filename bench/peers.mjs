// The tools operators use today: installs the missing ones from Debian's packages, records their
// versions, and says why one cannot run so the bench still measures the rest.
import { spawnSync } from 'node:child_process';

/** Each peer: the binary the bench calls, its Debian package, and how it tells its version. */
export const PEERS = [
  { name: 'ssh', bin: 'ssh', pkg: 'openssh-client', version: ['-V'] },
  { name: 'rsync', bin: 'rsync', pkg: 'rsync', version: ['--version'] },
  { name: 'pssh', bin: 'parallel-ssh', pkg: 'pssh', version: ['--version'] },
  { name: 'prsync', bin: 'parallel-rsync', pkg: 'pssh', version: ['--version'] },
  { name: 'pdsh', bin: 'pdsh', pkg: 'pdsh', version: ['-V'] },
  { name: 'clush', bin: 'clush', pkg: 'clustershell', version: ['--version'] },
  { name: 'ansible', bin: 'ansible', pkg: 'ansible-core', version: ['--version'] },
];

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).status === 0;
const firstLine = (r) => (`${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => l.trim()) ?? '').trim().replace(/\s+/g, ' ');

/**
 * Installs what is missing with apt-get (root only), then returns `{versions, unavailable}`:
 * peer name -> version line, and peer name -> why it cannot run.
 */
export function ensurePeers({ install = true } = {}) {
  const missing = [...new Set(PEERS.filter((p) => !has(p.bin)).map((p) => p.pkg))];
  let installError;
  if (missing.length && !install) installError = 'not installed (--no-install)';
  else if (missing.length && process.getuid?.() !== 0) installError = `not installed, and installing needs root: apt-get install ${missing.join(' ')}`;
  else if (missing.length) {
    console.error(`bench: installing ${missing.join(' ')} from Debian`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, encoding: 'utf8' });
    // a fresh machine has no package lists yet
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { env, encoding: 'utf8' });
      r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, encoding: 'utf8' });
    }
    if (r.status !== 0) installError = `apt-get install ${missing.join(' ')} failed: ${(r.error?.message ?? r.stderr).trim().split('\n').pop()}`;
  }
  const versions = {};
  const unavailable = {};
  for (const p of PEERS) {
    if (!has(p.bin)) {
      unavailable[p.name] = `${p.bin} not found (${installError ?? `package ${p.pkg}`})`;
      continue;
    }
    const r = spawnSync(p.bin, p.version, { encoding: 'utf8', timeout: 20000 });
    if (r.error || (r.status !== 0 && p.name !== 'ssh')) unavailable[p.name] = `${p.bin} ${p.version.join(' ')} failed: ${r.error?.message ?? firstLine(r)}`;
    else versions[p.name] = firstLine(r).replace(/^ansible \[core (.*)\]$/, 'ansible-core $1');
  }
  for (const [name, why] of Object.entries(unavailable)) console.error(`bench: peer ${name} unavailable: ${why}`);
  return { versions, unavailable };
}

/** isuops (ssh2) negotiates these with the lab; OpenSSH-based peers get the same by default. */
export const SAME_CRYPTO = ['-o', 'KexAlgorithms=curve25519-sha256', '-o', 'Ciphers=aes128-gcm@openssh.com'];

/** Options every OpenSSH-based peer gets: the lab's config, no prompts, no connection sharing. */
export function sshOptions(lab, { sameCrypto = true } = {}) {
  return ['-F', lab.sshConfig, '-o', 'BatchMode=yes', '-o', 'ControlMaster=no', '-o', 'ControlPath=none', ...(sameCrypto ? SAME_CRYPTO : [])];
}

/** The same options as one string for tools that take ssh arguments as text. */
export const sshOptionText = (lab, opts) => sshOptions(lab, opts).join(' ');
