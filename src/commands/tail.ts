import { UsageError } from '../errors.js';
import type { FleetOptions } from './fleet-options.js';

export interface TailCommandOptions extends FleetOptions {
  lines: number;
  since?: string;
  grep?: string;
  invertMatch?: string;
  sudo?: boolean;
  json?: boolean;
  color: 'auto' | 'always' | 'never';
  quiet?: boolean;
}

/** `isuops tail TARGET...` (being built: see issue 4). */
export async function tailCommand(_targets: string[], _opts: TailCommandOptions): Promise<number> {
  throw new UsageError('tail is not built yet');
}
