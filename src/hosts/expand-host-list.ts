import { expand } from 'brace-expansion';
import { expandBrackets, MAX_EXPANDED_HOSTS, tooMany } from './expand-brackets.js';
import { splitHostList } from './split-host-list.js';

/**
 * Expands a `-H`/`-x` value (or one hosts-file line) into host strings, in the order written.
 * Words are separated by commas or whitespace (not inside `[]`/`{}`); each word gets bash brace
 * expansion (`isu{01..05}`, `{web,app}1`) and then pdsh ranges (`isu[01-05]`, `isu[1,3,5-7]`).
 * Duplicates are kept (like pdsh); selectHosts drops them. Throws UsageError on a bad range.
 */
export function expandHostList(text: string): string[] {
  const hosts: string[] = [];
  for (const word of splitHostList(text)) {
    // one past the limit is enough to tell "too many" without building a huge list
    const braced = expand(word, { max: MAX_EXPANDED_HOSTS + 1 });
    if (braced.length > MAX_EXPANDED_HOSTS) throw tooMany(word);
    for (const alt of braced) {
      hosts.push(...expandBrackets(alt));
      if (hosts.length > MAX_EXPANDED_HOSTS) throw tooMany(text);
    }
  }
  return hosts;
}
