// known_hosts: parsing, matching and appending, written by hand to follow OpenSSH's hostfile.c.
export type { HostKey, KnownHostLine, KnownHostMarker, LookupResult } from './known-hosts/types.js';
export { parseKnownHosts } from './known-hosts/parse.js';
export { lookupHostKey, listKnownKeyTypes, findHostLines } from './known-hosts/lookup.js';
export {
  matchPattern, matchHostPatterns, lineMatchesName, hashHostName, formatKnownHostsName,
} from './known-hosts/match-host.js';
export { formatKnownHostsEntry, appendKnownHostsText, queueFileTask } from './known-hosts/append.js';
export { parseKeyBlob, fingerprintSha256 } from './known-hosts/key-blob.js';
export {
  verifyHostKey, readKnownHostsFiles, preferKnownHostKeyAlgorithms,
  type VerifyHostKeyOptions, type VerifyHostKeyResult,
} from './host-key.js';
