export { expandHostList } from './expand-host-list.js';
export { parseHostEntry } from './parse-host-entry.js';
export { parseHostsFile, type HostsFile } from './parse-hosts-file.js';
export { selectHosts, type SelectHostsOptions } from './select-hosts.js';
export type { HostEntry } from './types.js';
