// Helpers for the browser suite. browser_test.go starts the server and sets:
//   HOTLINE_URL          the server's base URL, without a trailing slash
//   HOTLINE_CHROMIUM     the chromium binary
//   HOTLINE_SCREENSHOTS  where screenshots go (e2e/screenshots, git-ignored)
import fs from "node:fs";
import path from "node:path";
import { chromium, request } from "playwright-core";

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite with go test ./e2e/`);
  return v;
}

export const BASE = need("HOTLINE_URL");
export const PASSWORD = "hotline-demo";
const SCREENSHOTS = need("HOTLINE_SCREENSHOTS");

let browser;

// launch starts the headless chromium that newContext opens pages in.
export async function launch() {
  browser = await chromium.launch({
    executablePath: need("HOTLINE_CHROMIUM"),
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  return browser;
}

export async function close() {
  await browser?.close();
}

// newContext is a fresh browser profile (no cookies) whose Accept-Language is locale.
// Relative URLs in page.goto are resolved against the server.
export async function newContext(locale, options = {}) {
  return browser.newContext({ baseURL: BASE, viewport: { width: 1280, height: 800 }, locale, ...options });
}

// apiClient is an HTTP client with no cookies and no token: an anonymous caller.
export async function apiClient() {
  return request.newContext({ baseURL: BASE });
}

// signIn fills the sign-in form and waits for the home page.
export async function signIn(page, username, password = PASSWORD) {
  await page.goto("/login");
  await page.locator('form[action="/login"] input[name="username"]').fill(username);
  await page.locator('form[action="/login"] input[name="password"]').fill(password);
  await page.locator('form[action="/login"] button[type="submit"]').click();
  await page.waitForURL((u) => u.pathname === "/");
}

// shot saves a full-page screenshot as <name>.png for a person to look at.
export async function shot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

// The console's UI strings, read from the catalogs the server embeds: <lang>.json plus
// one <area>.<lang>.json per console area.
const localeDir = new URL("../internal/i18n/locales/", import.meta.url);
const catalogs = Object.fromEntries(["en", "zh-CN"].map((lang) => [
  lang,
  Object.assign({}, ...fs.readdirSync(localeDir)
    .filter((f) => f === `${lang}.json` || f.endsWith(`.${lang}.json`))
    .map((f) => JSON.parse(fs.readFileSync(new URL(f, localeDir), "utf8")))),
]));

// t translates a catalog key like the server does (%s and %d take args in order).
export function t(lang, key, ...args) {
  const s = catalogs[lang]?.[key];
  if (s === undefined) throw new Error(`no ${lang} string for ${key}`);
  let i = 0;
  return s.replace(/%[sd]/g, () => String(args[i++]));
}

// pathOf is the path of a page's current URL.
export function pathOf(page) {
  return new URL(page.url()).pathname;
}
