import { UsageError } from '../errors.js';
import type { FleetOptions, OutputOptions } from './fleet-options.js';

export interface PushCommandOptions extends FleetOptions, OutputOptions {
  dest?: string;
  checksum?: boolean;
  dryRun?: boolean;
  diff?: boolean;
  sudo?: boolean;
  chmod?: string;
  chown?: string;
  delete?: boolean;
  then?: string;
}

/** `isuops push PATH...` (being built: see issue 3). */
export async function pushCommand(_paths: string[], _opts: PushCommandOptions): Promise<number> {
  throw new UsageError('push is not built yet');
}
