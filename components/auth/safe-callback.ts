/** Only same-site paths may be redirect targets after sign-in (no open redirect). */
export function safeCallbackUrl(value: string | string[] | undefined | null): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v?.startsWith("/") || v.startsWith("//") || v.startsWith("/\\")) return "/overview";
  return v;
}
