// Timestamps cross the hot paths as epoch milliseconds: exact integers both ways, no ISO
// string formatting or parsing per value, and exactly the ms value ingest hashed.

/** SQL: a bigint epoch-ms expression → timestamptz (NULL stays NULL). */
export const fromEpochMs = (col: string) => `(timestamptz 'epoch' + ${col} * interval '1 millisecond')`;

/** SQL: a timestamptz expression → epoch ms as text (exact for timestamptz(3); NULL stays NULL). */
export const toEpochMsText = (col: string) => `(extract(epoch FROM ${col}) * 1000)::bigint::text`;
