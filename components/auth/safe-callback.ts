const BASE = "http://callback.invalid";

/**
 * Only same-site paths may be redirect targets after sign-in (no open redirect). The value is
 * resolved the way a browser resolves it — which drops tabs and newlines, so `/\t/evil.example`
 * is `//evil.example` — and kept only if it stays on this origin; what is returned is the
 * resolved path, query and fragment, with no character a Location header cannot carry.
 */
export function safeCallbackUrl(value: string | string[] | undefined | null): string {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v?.startsWith("/")) return "/overview";
  let url: URL;
  try {
    url = new URL(v, BASE);
  } catch {
    return "/overview";
  }
  // Resolving also removes dot segments: `/.//evil.example` is the path `//evil.example`,
  // which a browser reads as another site when it is handed back as a Location.
  if (url.origin !== BASE || url.pathname.startsWith("//")) return "/overview";
  return `${url.pathname}${url.search}${url.hash}`;
}
