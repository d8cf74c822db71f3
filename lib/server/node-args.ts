// Node/V8 flags for the `next start` process, passed in NODE_OPTIONS (which, unlike the command
// line, outlives Next's renaming of its process, so they can be checked on the running server)
// by `npm start` and by the benchmarks, which so measure what ships.
//
// A smaller young generation than V8's default (16 MB semi-spaces). Every request through
// Next's Pages API path gets accessor properties defined on `req` with per-request closures
// (apiResolver's lazy `cookies`, `previewData`, `preview`, `draftMode`). V8 allocates each
// accessor pair directly in the old generation (`Factory::NewAccessorPair`, AllocationType::kOld),
// and a scavenge treats every old-to-young pointer as a root: until the next mark-compact finds
// those pairs dead, their closures keep the whole request (req, res, headers, closure contexts)
// alive, and every scavenge copies and promotes all requests served since the one before
// (~11 KB each). A scavenge's pause is that copy, so it grows with the young generation:
// with 16 MB semi-spaces ~1.5 MB per scavenge and 4–11 ms pauses at 200 req/s, with 4 MB
// ~0.36 MB and 1.5–2 ms pauses, four times as often (docs/ingest.md, "Session 7").
export const DEFAULT_SEMI_SPACE_MB = 4;
const MAX_SEMI_SPACE_MB = 1024;

/** `SM_SEMI_SPACE_MB`: unset → the default; `0` → V8's own sizing; otherwise 1–1024 (MB). */
export function serverNodeArgs(env: Record<string, string | undefined> = process.env): string[] {
  const raw = env.SM_SEMI_SPACE_MB?.trim();
  if (raw === undefined || raw === "") return [`--max-semi-space-size=${DEFAULT_SEMI_SPACE_MB}`];
  if (!/^\d+$/.test(raw) || Number(raw) > MAX_SEMI_SPACE_MB) {
    throw new Error(
      `SM_SEMI_SPACE_MB must be a whole number of megabytes from 1 to ${MAX_SEMI_SPACE_MB}, or 0 for V8's own sizing (got "${raw}")`,
    );
  }
  return Number(raw) === 0 ? [] : [`--max-semi-space-size=${Number(raw)}`];
}

/** NODE_OPTIONS for the server: the caller's own options, then the server's flags (the last of a flag wins). */
export function serverNodeOptions(env: Record<string, string | undefined> = process.env): string {
  return [env.NODE_OPTIONS?.trim(), ...serverNodeArgs(env)].filter(Boolean).join(" ");
}
