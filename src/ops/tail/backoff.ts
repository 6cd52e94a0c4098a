/** First reconnect delay; it doubles per failed attempt up to RECONNECT_MAX_DELAY_MS. */
export const RECONNECT_FIRST_DELAY_MS = 1000;
export const RECONNECT_MAX_DELAY_MS = 10_000;

/** The wait before reconnect attempt `attempt` (1-based): 1s, 2s, 4s, 8s, then 10s. */
export function backoffDelay(attempt: number, first = RECONNECT_FIRST_DELAY_MS, max = RECONNECT_MAX_DELAY_MS): number {
  return Math.min(max, first * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}
