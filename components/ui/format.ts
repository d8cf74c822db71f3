const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});
const NUMBER = new Intl.NumberFormat("en-US");

/** Dates render in UTC on server and client alike (no hydration mismatch, matches billing periods). */
export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return "—";
  return `${DATE_TIME.format(typeof value === "string" ? new Date(value) : value)} UTC`;
}

export function formatCount(value: number): string {
  return NUMBER.format(value);
}
