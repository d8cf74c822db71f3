// The framework floor for the latency benchmarks: a bare Next.js Pages API route that runs
// one indexed point read through a pg pool and answers JSON — no authentication, no
// validation, no product code. bench/ingest.ts builds this app and measures it at the same
// rate and in the same run as GET /api/v1/usage/current, so the two p99s can be compared.
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10, idleTimeoutMillis: 300_000 });

export const config = { api: { bodyParser: false } };

export default async function probe(req, res) {
  const { rows } = await pool.query({
    name: "floor_probe",
    text: "SELECT tenant_id, customer_ref, billing_anchor FROM customers WHERE customer_ref = $1 LIMIT 1",
    values: [String(req.query.customerRef ?? "")],
  });
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ customer: rows[0] ?? null, asOf: new Date().toISOString() }));
}
