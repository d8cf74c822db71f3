import { expect, test } from "@playwright/test";

const SHOTS = "test-results/screenshots";

test("the API reference at /docs shows every operation of /api/openapi.json, server-rendered", async ({
  page,
  request,
}) => {
  const res = await request.get("/api/openapi.json");
  expect(res.ok()).toBe(true);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
  expect(doc.openapi).toBe("3.1.0");
  const operationIds = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));

  await page.goto("/docs");
  await expect(page.getByRole("heading", { level: 1, name: "StripeMeter API reference" })).toBeVisible();
  for (const id of operationIds) await expect(page.locator(`section#${id}`)).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/api-docs.png` });

  await page.getByRole("navigation", { name: "API reference" }).getByRole("link", { name: "Update a meter" }).click();
  await expect(page).toHaveURL(/#updateMeter$/);
  const section = page.locator("section#updateMeter");
  await expect(section).toBeInViewport();
  await expect(section.getByText("/api/v1/meters/{metric}")).toBeVisible();
  // the request body's fields are listed
  await expect(section.locator("li code", { hasText: /^aggregation$/ })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/api-docs-update-meter.png` });

  // A model link lands on its definition.
  await section.getByRole("link", { name: "Meter", exact: true }).first().click();
  await expect(page.locator("#model-Meter")).toBeInViewport();
});
