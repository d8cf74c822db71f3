// RFC 4180 CSV cells, made safe to open in a spreadsheet.

// A cell starting with one of these is run as a formula by Excel/Sheets/LibreOffice
// (OWASP "CSV injection"); prefixing a single quote makes it inert text.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined, opts: { text?: boolean } = {}): string {
  if (value === null || value === undefined) return "";
  let s = String(value);
  if (opts.text !== false && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV record, CRLF-terminated as RFC 4180 specifies. */
export function csvRow(cells: string[]): string {
  return `${cells.join(",")}\r\n`;
}
