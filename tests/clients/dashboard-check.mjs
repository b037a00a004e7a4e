// Opens the gateway dashboard in headless Chromium (Debian's, driven by playwright-core) and checks what it shows.
// Env: DASHBOARD_URL, EXPECT_MODEL (whose breaker must read "open"), EXPECT_REQUEST_ID (must be on the page),
// SCREENSHOT (path to write), CHROMIUM (default /usr/bin/chromium), USER_DATA_DIR (temp profile).
// Prints one JSON line: { ok, breaker, requestIdShown, foreignRequests, requests, screenshot, error }.
// Any request to a host other than 127.0.0.1 is reported (and fails the check).
import { chromium } from "playwright-core";

const url = process.env.DASHBOARD_URL;
const model = process.env.EXPECT_MODEL;
const requestId = process.env.EXPECT_REQUEST_ID;
const screenshot = process.env.SCREENSHOT;
const userDataDir = process.env.USER_DATA_DIR;
if (!url || !model || !requestId || !screenshot || !userDataDir) {
  console.error("usage: DASHBOARD_URL=... EXPECT_MODEL=... EXPECT_REQUEST_ID=... SCREENSHOT=... USER_DATA_DIR=... node dashboard-check.mjs");
  process.exit(2);
}

const result = { ok: false, breaker: null, requestIdShown: false, foreignRequests: [], requests: [], screenshot, error: null };
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-dev-shm-usage"],
  viewport: { width: 1440, height: 1000 },
  timeout: 20000,
});
try {
  context.on("request", (request) => {
    const target = request.url();
    result.requests.push(target);
    let host = null;
    try { host = new URL(target).hostname; } catch { host = null; }
    // data: URLs never leave the page; anything else must go to this gateway on 127.0.0.1.
    if (!target.startsWith("data:") && host !== "127.0.0.1") result.foreignRequests.push(target);
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15000);
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("body[data-loaded='true']");
  const breaker = page.locator(`tr[data-model="${model}"] [data-breaker]`);
  await breaker.waitFor();
  result.breaker = await breaker.getAttribute("data-breaker");
  const id = page.locator(".rid", { hasText: requestId }).first();
  await id.waitFor();
  result.requestIdShown = await id.isVisible();
  // Let one more poll land so the screenshot shows the settled page (bounded by the page's default timeout).
  const polls = Number(await page.evaluate(() => document.body.dataset.polls ?? "0"));
  await page.waitForFunction((n) => Number(document.body.dataset.polls ?? "0") > n, polls);
  await page.screenshot({ path: screenshot, fullPage: true });
  result.ok = result.breaker === "open" && result.requestIdShown && result.foreignRequests.length === 0;
} catch (error) {
  result.error = String(error?.message ?? error).slice(0, 500);
  try { await context.pages()[0]?.screenshot({ path: screenshot, fullPage: true }); } catch { /* best effort */ }
} finally {
  await context.close();
}

console.log(JSON.stringify(result));
