/**
 * What isuops does with each keyword of OpenSSH's readconf.c table. A keyword not in it is
 * "Bad configuration option", as with ssh (unless IgnoreUnknown names it).
 */

/** Keywords isuops reads and acts on. */
export const IMPLEMENTED = new Set([
  'host', 'match', 'include', 'hostname', 'user', 'port', 'identityfile', 'identitiesonly', 'identityagent',
  'userknownhostsfile', 'globalknownhostsfile', 'stricthostkeychecking', 'hostkeyalias', 'connecttimeout',
  'serveraliveinterval', 'serveralivecountmax', 'proxyjump', 'proxycommand', 'hostkeyalgorithms',
  'revokedhostkeys', 'hashknownhosts', 'ignoreunknown', 'controlpersist', 'pubkeyacceptedalgorithms',
  'pubkeyacceptedkeytypes',
]);

/**
 * Accepted and without effect: what only an interactive ssh does (TTY, X11, escape character,
 * agent forwarding, logging, multiplexing sockets), password-style auth isuops never does,
 * and keywords ssh itself deprecated or ignores.
 */
export const IGNORED = new Set([
  // ssh: oIgnore, oDeprecated, oUnsupported (ssh only logs these)
  'protocol', 'cipher', 'fallbacktorsh', 'globalknownhostsfile2', 'rhostsauthentication', 'userknownhostsfile2',
  'useroaming', 'usersh', 'useprivilegedport', 'afstokenpassing', 'kerberosauthentication', 'kerberostgtpassing',
  'rsaauthentication', 'rhostsrsaauthentication', 'compressionlevel',
  // interactive sessions and what the local terminal sees
  'forwardagent', 'forwardx11', 'forwardx11trusted', 'forwardx11timeout', 'xauthlocation', 'escapechar',
  'enableescapecommandline', 'requesttty', 'sessiontype', 'stdinnull', 'forkafterauthentication', 'visualhostkey',
  'obscurekeystroketiming', 'loglevel', 'logverbose', 'syslogfacility', 'fingerprinthash', 'batchmode',
  'sendenv', 'controlmaster', 'controlpath', 'addkeystoagent', 'versionaddendum', 'tag',
  'channeltimeout', 'warnweakcrypto',
  // forwarding isuops never asks for, so nothing to clear or to fail on
  'exitonforwardfailure', 'gatewayports', 'clearallforwardings', 'permitremoteopen', 'streamlocalbindmask',
  'streamlocalbindunlink', 'tunneldevice',
  // authentication methods isuops never uses (public keys only)
  'gssapiauthentication', 'gssapidelegatecredentials', 'gssapikeyexchange', 'gssapitrustdns', 'gssapiclientidentity',
  'gssapiserveridentity', 'gssapirenewalforcesrekey', 'gssapikexalgorithms', 'passwordauthentication',
  'kbdinteractiveauthentication', 'kbdinteractivedevices', 'challengeresponseauthentication', 'skeyauthentication',
  'tisauthentication', 'numberofpasswordprompts', 'preferredauthentications', 'hostbasedauthentication',
  'hostbasedacceptedalgorithms', 'hostbasedkeytypes', 'enablesshkeysign', 'nohostauthenticationforlocalhost',
  // transport tuning with no bearing on who is reached or trusted
  'compression', 'tcpkeepalive', 'keepalive', 'ipqos', 'rekeylimit', 'connectionattempts', 'updatehostkeys',
  'securitykeyprovider', 'requiredrsasize',
  // canonicalisation settings that only matter with CanonicalizeHostname (refused below unless no)
  'canonicaldomains', 'canonicalizefallbacklocal', 'canonicalizemaxdots', 'canonicalizepermittedcnames',
  // old spellings ssh still reads
  'identityfile2', 'dsaauthentication',
]);

/**
 * Keywords isuops does not implement and that would change what is reached, how it is trusted or
 * what runs: refused (exit 2) when they apply to a host of the run, unless their value is one of
 * these (ssh's default, which isuops does anyway). An empty list: refused whatever the value.
 */
export const REFUSED: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['checkhostip', ['no']],
  ['knownhostscommand', ['none']],
  ['verifyhostkeydns', ['no']],
  ['canonicalizehostname', ['no']],
  ['pubkeyauthentication', ['yes', 'true', 'unbound', 'host-bound']],
  ['certificatefile', []],
  ['pkcs11provider', ['none']],
  ['smartcarddevice', []],
  ['ciphers', []],
  ['macs', []],
  ['kexalgorithms', []],
  ['casignaturealgorithms', []],
  ['bindaddress', []],
  ['bindinterface', []],
  ['addressfamily', ['any']],
  ['localforward', []],
  ['remoteforward', []],
  ['dynamicforward', []],
  ['tunnel', ['no']],
  ['localcommand', ['none']],
  ['permitlocalcommand', ['no']],
  ['remotecommand', ['none']],
  ['setenv', []],
  ['proxyusefdpass', ['no']],
  ['refuseconnection', ['no']],
]);

/** ssh's spelling of a keyword for messages (`checkhostip` -> `CheckHostIP`), else as given. */
const SPELLING: Record<string, string> = {
  checkhostip: 'CheckHostIP', knownhostscommand: 'KnownHostsCommand', verifyhostkeydns: 'VerifyHostKeyDNS',
  canonicalizehostname: 'CanonicalizeHostname', pubkeyauthentication: 'PubkeyAuthentication',
  certificatefile: 'CertificateFile', pkcs11provider: 'PKCS11Provider', smartcarddevice: 'SmartcardDevice',
  ciphers: 'Ciphers', macs: 'MACs', kexalgorithms: 'KexAlgorithms', pubkeyacceptedalgorithms: 'PubkeyAcceptedAlgorithms',
  pubkeyacceptedkeytypes: 'PubkeyAcceptedKeyTypes', casignaturealgorithms: 'CASignatureAlgorithms',
  bindaddress: 'BindAddress', bindinterface: 'BindInterface', addressfamily: 'AddressFamily',
  localforward: 'LocalForward', remoteforward: 'RemoteForward', dynamicforward: 'DynamicForward', tunnel: 'Tunnel',
  localcommand: 'LocalCommand', permitlocalcommand: 'PermitLocalCommand', remotecommand: 'RemoteCommand',
  setenv: 'SetEnv', proxyusefdpass: 'ProxyUseFdpass', refuseconnection: 'RefuseConnection',
};

export function keywordSpelling(key: string): string {
  return SPELLING[key] ?? key;
}

/** Whether ssh knows the keyword (isuops then implements, ignores or refuses it). */
export function isKnownKeyword(key: string): boolean {
  return IMPLEMENTED.has(key) || IGNORED.has(key) || REFUSED.has(key);
}
