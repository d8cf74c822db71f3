import type { NextPageContext } from "next";
import NextError, { type ErrorProps } from "next/error";

// Next.js answers a request whose path it cannot decode (bad percent-encoding or invalid UTF-8,
// e.g. `/api/v1/customers/%zz`) itself, before the proxy or any route runs, by rendering this
// page with status 400. Under the API's paths API.md promises its JSON error shape with an
// x-request-id, so there this page answers JSON; everywhere else it is Next's own error page.
// Self-contained on purpose: this page is also bundled for the browser.
const API_PATH = /^\/(?:api|v1)(?:[/?]|$)/;
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function requestId(): string {
  let id = "req_";
  while (id.length < 24) {
    for (const b of globalThis.crypto.getRandomValues(new Uint8Array(24))) {
      if (b < 248 && id.length < 24) id += ALPHABET[b % 62];
    }
  }
  return id;
}

function apiError(status: number): { status: number; code: string; message: string } {
  if (status === 400) {
    return {
      status,
      code: "invalid_path",
      message: "The request path is not valid: percent-encoding must encode UTF-8 (e.g. %C3%A9 for é).",
    };
  }
  if (status === 404) return { status, code: "not_found", message: "No API route serves this path." };
  return { status: 500, code: "internal_error", message: "An internal error occurred." };
}

export default function ErrorPage(props: ErrorProps) {
  return <NextError {...props} />;
}

ErrorPage.getInitialProps = async (ctx: NextPageContext): Promise<ErrorProps> => {
  const { req, res } = ctx;
  if (req && res && !res.headersSent && API_PATH.test(req.url ?? "")) {
    const e = apiError(res.statusCode);
    const id = requestId();
    res.statusCode = e.status;
    res.setHeader("content-type", "application/json");
    res.setHeader("x-request-id", id);
    res.setHeader("cache-control", "no-store");
    res.end(JSON.stringify({ error: { code: e.code, message: e.message, requestId: id } }));
    return { statusCode: e.status };
  }
  return NextError.getInitialProps(ctx);
};
