import { scriptSource } from './source.js';

/** The shell scripts that isuops runs on hosts (and the lab's keeper): `src/remote/NAME.sh`. */
export type RemoteScriptName =
  | 'exec-wrapper'
  | 'exec-signal'
  | 'stop-group'
  | 'tail-file'
  | 'tail-journal'
  | 'push-install'
  | 'push-owner'
  | 'pull-scan'
  | 'top-sampler'
  | 'lab-keeper';

const compacted = new Map<RemoteScriptName, string>();

/**
 * A script as it is sent: its comments (the header included), blank lines and indentation
 * dropped, so that the request and `ps` stay short. The scripts keep every `#` that is not a
 * comment off the start of a line, and no string spans lines, so this changes nothing else.
 */
export function compactScript(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .join('\n');
}

/** The compacted text of one script, read once per run. */
export function remoteScript(name: RemoteScriptName): string {
  let text = compacted.get(name);
  if (text === undefined) compacted.set(name, (text = compactScript(scriptSource(name))));
  return text;
}
