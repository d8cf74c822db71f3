import { requestIdFor } from "./run-route";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type Method = (typeof METHODS)[number];
type Handler = (req: Request) => Response;

/**
 * Answers for the methods a route does not serve, with an x-request-id (API.md: every
 * response has one). proxy.ts, which stamps the id on Next's own 405 and OPTIONS answers,
 * does not run on the hot routes, so those routes export these instead:
 * `export const { GET, PUT, … } = otherMethods("POST")`. OPTIONS answers 204 with `Allow`,
 * every other method 405 with `Allow`, as Next would.
 */
export function otherMethods<S extends Method>(...served: S[]): Record<Exclude<Method, S>, Handler> {
  const serves = (m: Method) => (served as Method[]).includes(m);
  // Next answers HEAD with a GET handler: a GET route serves HEAD, and its HEAD is not exported.
  const allow = [...served, ...(serves("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const answer =
    (status: number): Handler =>
    (req) =>
      new Response(null, { status, headers: { allow, "x-request-id": requestIdFor(req) } });
  const out: Partial<Record<Method, Handler>> = {};
  for (const m of METHODS) if (!serves(m)) out[m] = answer(m === "OPTIONS" ? 204 : 405);
  return out as Record<Exclude<Method, S>, Handler>;
}
