// Experiment, not product: the three hot routes — the same modules `next start` serves from
// pages/api, their handlers, wrappers and database code unchanged — on a plain node:http
// server, to measure what Next.js's request handling costs them. The product is served by
// `next start` only; nothing imports this file.
//
//   BENCH_BARE_HOT_ROUTES=1 npm run bench:ingest      (it starts this instead of next start)
//
// /api/health answers here without a handler, so the health reference of such a run is not
// comparable with next start's.
import http from "node:http";
import ingest from "../../pages/api/v1/events/ingest";
import current from "../../pages/api/v1/usage/current";
import projection from "../../pages/api/v1/usage/projection";

type Serve = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
const routes = new Map<string, Serve>([
  ["/api/v1/events/ingest", ingest],
  ["/api/v1/usage/current", current],
  ["/api/v1/usage/projection", projection],
]);

const port = Number(process.argv[2] ?? 3201);
http
  .createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const route = routes.get(q === -1 ? url : url.slice(0, q));
    if (route) {
      route(req, res).catch((err: unknown) => {
        console.error(err);
        res.statusCode = 500;
        res.end();
      });
    } else if (url === "/api/health") {
      res.setHeader("content-type", "application/json");
      res.end('{"status":"ok"}');
    } else {
      res.statusCode = 404;
      res.end();
    }
  })
  .listen(port, "127.0.0.1");
