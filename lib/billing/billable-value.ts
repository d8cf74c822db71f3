/**
 * A counter's value as usage reads and bills it: never below zero. Only a `last` counter can be
 * negative: an adjustment is an offset on top of the latest reading (docs/ingest.md,
 * "Adjustments"), refused when it would make the counter negative, but a later, lower reading
 * can still drop under it (100, then -90, then a reading of 5 is -85). Such a counter reads 0:
 * there is no negative usage to bill, and a price's flat fee is still owed. The counter keeps
 * its reading and offset apart, so reverting the adjustment restores the reading.
 */
export const BILLABLE_VALUE_SQL = (column: string): string => `GREATEST(${column}, 0)`;
