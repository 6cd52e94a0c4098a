/** ssh client config resolution (SPEC "Connection"): load once, resolve per host. */
export { loadSshConfig, parseConfigText } from './config/source.js';
export type { ConfigLine, LoadOptions, MatchCriterion, SshConfigSource } from './config/source.js';
export { DEFAULT_IDENTITY_FILES, parseOverrideOption, resolveHost } from './config/resolve.js';
export type { ResolveEnv, ResolveTarget } from './config/resolve.js';
export { expandTilde, expandTokens } from './config/tokens.js';
export { parseJumpList, formatJumpList } from './jump.js';
