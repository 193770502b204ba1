// What each role can and cannot see in the console, in Chinese and English, plus the
// sign-in, language and admin flows a person goes through in a browser. Screenshots of
// the main pages land in e2e/screenshots/ for a person to look at.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, BASE, close, launch, newContext, pathOf, shot, signIn, t } from "./lib.mjs";

// The console's languages and the browser locale (Accept-Language) that asks for each.
const LOCALES = { "zh-CN": "zh-CN", en: "en-US" };

// Permissions, in the order of auth.AllPermissions (internal/auth/roles.go).
const ALL = [
  "console", "users.manage", "audit.read", "settings.manage",
  "customers.read", "customers.write", "tickets.read", "tickets.write",
  "tickets.dispatch", "complaints.handle", "complaints.close", "partner.orders",
  "calls.answer", "recordings.own", "recordings.all", "calls.monitor", "calls.read",
  "wallboard.read", "reports.read", "quality.evaluate", "kb.read", "kb.write", "kb.curate",
  "todos.use", "quality.review",
];
// Admins may do everything but act as a partner: they belong to none.
const ADMIN = ALL.filter((p) => p !== "partner.orders");
const TIER1 = ["console", "customers.read", "customers.write", "tickets.read", "tickets.write", "calls.answer", "recordings.own", "kb.read", "todos.use", "calls.read"];
const TIER2 = [...TIER1, "tickets.dispatch", "complaints.handle"];
const TIER3 = [...TIER2, "kb.write", "recordings.all"];
const SUPERVISOR = [
  "console", "customers.read", "customers.write", "tickets.read", "tickets.write",
  "tickets.dispatch", "complaints.handle", "complaints.close", "calls.answer",
  "recordings.own", "recordings.all", "calls.monitor", "wallboard.read", "reports.read",
  "quality.evaluate", "kb.read", "kb.write", "kb.curate", "todos.use", "calls.read",
  "quality.review",
];
const QA = ["console", "customers.read", "tickets.read", "recordings.all", "quality.evaluate", "kb.read", "reports.read", "todos.use", "calls.read"];
const ANALYST = ["console", "reports.read", "wallboard.read", "todos.use", "calls.read"];
const PARTNER = ["console", "partner.orders"];

// The console's sections in navigation order, with their labels and the permission each
// needs (the nav table in internal/web/web.go); settings pages are reached from /settings.
const NAV = [
  ["/", "nav.home", "console"],
  ["/customers", "nav.customers", "customers.read"],
  ["/tickets", "nav.tickets", "tickets.read"],
  ["/complaints", "nav.complaints", "tickets.read"],
  ["/orders", "nav.orders", "partner.orders"],
  ["/todos", "nav.todos", "todos.use"],
  ["/leads", "nav.leads", "customers.read"],
  ["/partner/leads", "nav.leads", "partner.orders"],
  ["/kb", "nav.kb", "kb.read"],
  ["/announcements", "nav.announcements", "kb.read"],
  ["/agent", "nav.agent", "calls.answer"],
  ["/wallboard", "nav.wallboard", "wallboard.read"],
  ["/queues", "nav.queues", "wallboard.read"],
  ["/calls", "nav.calls", "calls.read"],
  ["/reports", "nav.reports", "reports.read"],
  ["/qa", "nav.quality", "calls.read"],
  ["/surveys", "nav.surveys", "reports.read"],
  ["/settings", "nav.settings", "settings.manage"],
  ["/profile", "nav.profile", "console"],
];
const NAV_LABEL = Object.fromEntries(NAV.map(([href, key]) => [href, key]));
// Pages swept for every role: the sections plus a few settings pages.
const PAGES = {
  ...Object.fromEntries(NAV.map(([href, , perm]) => [href, perm])),
  "/users": "users.manage", "/users/new": "users.manage", "/roles": "users.manage", "/audit": "audit.read",
  "/settings/ticket-types": "settings.manage", "/settings/ivr": "settings.manage",
};
const SECTIONS = Object.keys(PAGES);
const navOf = (perms) => NAV.filter(([, , perm]) => perms.includes(perm)).map(([href]) => href);
const AGENT_NAV = navOf(TIER1);

// The demo users (internal/demo/demo.go) and what each may see.
const USERS = [
  { username: "admin", name: "系统管理员", role: "admin", perms: ADMIN },
  { username: "supervisor", name: "李娜", role: "supervisor", perms: SUPERVISOR },
  { username: "agent1", name: "王伟", role: "agent", tier: 1, perms: TIER1 },
  { username: "agent2", name: "张敏", role: "agent", tier: 1, perms: TIER1 },
  { username: "agent3", name: "Emily Chen", role: "agent", tier: 1, lang: "en", perms: TIER1 },
  { username: "senior1", name: "刘洋", role: "agent", tier: 2, perms: TIER2 },
  { username: "senior2", name: "陈静", role: "agent", tier: 2, perms: TIER2 },
  { username: "expert", name: "周杰", role: "agent", tier: 3, perms: TIER3 },
  { username: "qa", name: "孙丽", role: "qa", perms: QA },
  { username: "analyst", name: "吴强", role: "analyst", perms: ANALYST },
  { username: "station", name: "黄师傅", role: "partner", perms: PARTNER },
].map((u) => ({ ...u, nav: navOf(u.perms) }));

// Pages a role may open: those whose permission it holds.
function mayOpen(user, path) {
  return user.perms.includes(PAGES[path]);
}

// whoami is the header's "name · role [tier]".
function whoami(user, lang) {
  const tier = user.tier ? " " + t(lang, "tier.short", user.tier) : "";
  return `${user.name} · ${t(lang, "role." + user.role)}${tier}`;
}

async function text(locator) {
  return (await locator.textContent()).trim();
}

// navLabels are the navigation's link texts without their count badges.
async function navLabels(page) {
  return page.locator("nav.nav a").evaluateAll((links) => links.map((a) => a.firstChild.textContent.trim()));
}

async function navHrefs(page) {
  return page.locator("nav.nav a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
}

// inContext runs fn with a new page in a fresh browser profile, and closes it after.
async function inContext(locale, fn) {
  const ctx = await newContext(locale);
  try {
    return await fn(await ctx.newPage(), ctx);
  } finally {
    await ctx.close();
  }
}

describe("Hotline console in a browser", () => {
  before(launch);
  after(close);

  for (const lang of Object.keys(LOCALES)) {
    // The roles are independent: several at once keep the suite's time down.
    describe(`each role, ${lang} browser`, { concurrency: 4 }, () => {
      for (const user of USERS) {
        // A user's own language setting beats the browser's Accept-Language.
        const shown = user.lang || lang;
        test(`${user.username} (${user.role}${user.tier ? " tier " + user.tier : ""}) sees exactly what the role may`, () =>
          inContext(LOCALES[lang], async (page) => {
            await signIn(page, user.username);
            assert.equal(await page.locator("html").getAttribute("lang"), shown);
            assert.deepEqual(await navHrefs(page), user.nav, "navigation links");
            assert.deepEqual(await navLabels(page), user.nav.map((h) => t(shown, NAV_LABEL[h])), "navigation labels");
            assert.equal(await text(page.getByTestId("whoami")), whoami(user, shown));
            assert.deepEqual(await page.getByTestId("permissions").locator("li").allTextContents(),
              user.perms.map((p) => t(shown, "perm." + p)), "permissions on the home page");
            // Every role's home in Chinese; in English the admin's is enough to look at.
            if (lang === "zh-CN" || user.username === "admin") await shot(page, `home-${user.username}-${lang}`);

            // Every section and settings page answers as the role allows. The pages are
            // fetched with the session's cookie rather than rendered, which keeps the sweep
            // cheap; one forbidden page per role is opened in the browser below.
            const forbidden = SECTIONS.filter((path) => !mayOpen(user, path));
            for (const path of SECTIONS) {
              const resp = await page.request.get(path, { headers: { "Accept-Language": LOCALES[lang] } });
              const body = await resp.text();
              if (mayOpen(user, path)) {
                assert.equal(resp.status(), 200, `${path} should open`);
                assert.equal(new URL(resp.url()).pathname, path, `${path} is not redirected`);
                assert.ok(!body.includes('data-testid="error-message"'), `${path} shows no error`);
              } else {
                assert.equal(resp.status(), 403, `${path} should be forbidden`);
                assert.ok(body.includes(`data-testid="error-message">${t(shown, "err.forbidden")}<`), `${path} error text`);
              }
            }
            assert.ok(forbidden.length > 0, "every role misses some page");
            const resp = await page.goto(forbidden[0]);
            assert.equal(resp.status(), 403);
            assert.equal(await text(page.getByTestId("error-message")), t(shown, "err.forbidden"));
            assert.equal(await text(page.locator("main h1")), `403 · ${t(shown, "error.status.403")}`);
            // Still signed in: the error page keeps the same navigation.
            assert.deepEqual(await navHrefs(page), user.nav, `navigation on ${forbidden[0]}`);
          }));
      }
    });
  }

  test("partner user station: no customers in the console, none through the API", () =>
    inContext(LOCALES["zh-CN"], async (page) => {
      await signIn(page, "station");
      assert.equal(await page.locator('nav.nav a[href="/customers"]').count(), 0);
      assert.equal(await page.locator('a[href="/customers"]').count(), 0, "no customers tile either");
      const resp = await page.goto("/customers");
      assert.equal(resp.status(), 403);
      await page.getByTestId("error-message").waitFor();

      // With station's session cookie the API knows the caller and refuses.
      const own = await page.request.get("/api/v1/customers");
      assert.equal(own.status(), 403);
      assert.match(own.headers()["content-type"], /^application\/json/);
      assert.equal((await own.json()).error.code, "forbidden");

      // Without any credentials it asks for them, in JSON, not with a redirect.
      const anon = await apiClient();
      try {
        const r = await anon.get("/api/v1/customers", { maxRedirects: 0 });
        assert.equal(r.status(), 401);
        assert.match(r.headers()["content-type"], /^application\/json/);
        const body = await r.json();
        assert.equal(body.error.code, "unauthorized");
        assert.ok(body.error.message, "the error has a message");
      } finally {
        await anon.dispose();
      }
    }));

  describe("language", () => {
    test("the browser's language picks the sign-in page's language", async () => {
      for (const [lang, submit] of [["zh-CN", "登录"], ["en", "Sign in"]]) {
        await inContext(LOCALES[lang], async (page) => {
          const resp = await page.goto("/login");
          assert.equal(resp.headers()["content-language"], lang);
          assert.equal(await page.locator("html").getAttribute("lang"), lang);
          assert.equal(await text(page.locator('form[action="/login"] button[type="submit"]')), submit);
          assert.equal(t(lang, "login.submit"), submit);
          await shot(page, `login-${lang}`);
        });
      }
    });

    test("the language switch link switches the page and the choice sticks", () =>
      inContext(LOCALES["zh-CN"], async (page) => {
        const submit = page.locator('form[action="/login"] button[type="submit"]');
        await page.goto("/login");
        assert.equal(await text(submit), "登录");

        await page.locator("a[data-lang-toggle]", { hasText: "English" }).click();
        await page.waitForURL((u) => u.searchParams.get("lang") === "en");
        assert.equal(await text(submit), "Sign in");
        await page.goto("/login"); // no ?lang=: the cookie remembers
        assert.equal(await text(submit), "Sign in");
        assert.equal(await page.locator("html").getAttribute("lang"), "en");

        await page.locator("a[data-lang-toggle]", { hasText: "中文" }).click();
        await page.waitForURL((u) => u.searchParams.get("lang") === "zh-CN");
        assert.equal(await text(submit), "登录");
        await page.reload();
        assert.equal(await text(submit), "登录");
      }));

    test("a user's language setting beats the browser; a chosen language beats both", () =>
      inContext(LOCALES["zh-CN"], async (page) => {
        // agent3 (Emily Chen) has language en; the browser asks for Chinese.
        await page.goto("/login");
        assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
        await signIn(page, "agent3");
        assert.equal(await page.locator("html").getAttribute("lang"), "en");
        assert.equal(await text(page.locator('nav.nav a[href="/"]')), "Home");
        await page.goto("/profile");
        assert.equal(await page.locator("html").getAttribute("lang"), "en");

        // Choosing Chinese with the switch sets the lang cookie, which outranks the setting.
        await page.locator("a[data-lang-toggle]", { hasText: "中文" }).click();
        await page.waitForURL((u) => u.searchParams.get("lang") === "zh-CN");
        assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
        await page.goto("/");
        assert.equal(await text(page.locator('nav.nav a[href="/"]')), "首页");
      }));

    test("saving a language in the profile applies it; 'as the browser' undoes it", () =>
      inContext(LOCALES["zh-CN"], async (page) => {
        await signIn(page, "agent2");
        await page.goto("/profile");
        const select = page.locator('form[action="/profile"] select[name="language"]');
        await select.selectOption("en");
        await page.locator('form[action="/profile"] button[type="submit"]').click();
        await page.waitForURL((u) => u.searchParams.get("ok") === "profile_saved");
        assert.equal(await page.locator("html").getAttribute("lang"), "en");
        assert.equal(await text(page.locator("p.flash")), t("en", "flash.profile_saved"));
        assert.equal(await select.inputValue(), "en");

        await select.selectOption("");
        await page.locator('form[action="/profile"] button[type="submit"]').click();
        await page.waitForURL((u) => u.searchParams.get("ok") === "profile_saved" && !u.searchParams.has("lang"));
        assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
        assert.equal(await text(page.locator("p.flash")), t("zh-CN", "flash.profile_saved"));
        await page.goto("/");
        assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN", "the lang cookie is gone");
      }));

    test("without a setting, a signed-in user follows the browser", async () => {
      for (const lang of Object.keys(LOCALES)) {
        await inContext(LOCALES[lang], async (page) => {
          await signIn(page, "agent1");
          assert.equal(await page.locator("html").getAttribute("lang"), lang);
          assert.equal(await text(page.getByTestId("whoami")), whoami(USERS.find((u) => u.username === "agent1"), lang));
        });
      }
    });
  });

  describe("bad input", () => {
    test("a wrong password shows an error and stays on the sign-in page", () =>
      inContext(LOCALES["zh-CN"], async (page) => {
        await page.goto("/login");
        await page.locator('input[name="username"]').fill("agent2");
        await page.locator('input[name="password"]').fill("not-the-password");
        const posted = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login");
        await page.locator('form[action="/login"] button[type="submit"]').click();
        assert.equal((await posted).status(), 401);
        assert.equal(await text(page.getByTestId("login-error")), t("zh-CN", "err.bad_login"));
        assert.equal(pathOf(page), "/login");
        assert.equal(await page.locator('input[name="username"]').inputValue(), "agent2", "the username is kept");
        assert.equal(await page.locator('input[name="password"]').inputValue(), "", "the password is not");
        await shot(page, "login-error-zh-CN");
      }));

    test("a forged session cookie sends the browser to sign in, then back", () =>
      inContext(LOCALES.en, async (page, ctx) => {
        await ctx.addCookies([{ name: "hotline_session", value: "garbage-not-a-session", url: BASE }]);
        const resp = await page.goto("/users");
        assert.equal(resp.status(), 200);
        const u = new URL(page.url());
        assert.equal(u.pathname, "/login");
        assert.equal(u.searchParams.get("next"), "/users");
        assert.equal(u.searchParams.get("reason"), "ended");
        assert.ok((await page.locator("p.notice").textContent()).includes(t("en", "login.ended")));
        assert.equal(await page.locator("nav.nav").count(), 0, "no navigation for nobody");

        // Signing in from here returns to the page that was asked for.
        await page.locator('input[name="username"]').fill("admin");
        await page.locator('input[name="password"]').fill("hotline-demo");
        await page.locator('form[action="/login"] button[type="submit"]').click();
        await page.waitForURL((u) => u.pathname === "/users");
      }));
  });

  describe("admin", () => {
    let ctx, page, userURL;
    before(async () => {
      ctx = await newContext(LOCALES["zh-CN"]);
      page = await ctx.newPage();
      await signIn(page, "admin");
    });
    after(() => ctx.close());

    test("creates a user with a Chinese name and sees it in the list", async () => {
      await page.goto("/users/new");
      const tier = page.locator('label[data-for-role="agent"]');
      const partner = page.locator('label[data-for-role="partner"]');
      // The form shows the tier only for agents and the partner only for partner users.
      await page.locator('select[name="role"]').selectOption("partner");
      await tier.waitFor({ state: "hidden" });
      await partner.waitFor({ state: "visible" });
      await page.locator('select[name="role"]').selectOption("agent");
      await tier.waitFor({ state: "visible" });
      await partner.waitFor({ state: "hidden" });

      await page.locator('input[name="username"]').fill("hanmeimei");
      await page.locator('input[name="display_name"]').fill("韩梅梅");
      await page.locator('input[name="email"]').fill("hanmeimei@hotline.example.cn");
      await page.locator('select[name="tier"]').selectOption("2");
      await page.locator('input[name="password"]').fill("first-password-1");
      await shot(page, "user-form-filled-zh-CN");
      await page.locator('form.form button[type="submit"]').click();
      await page.waitForURL((u) => /^\/users\/\d+$/.test(u.pathname) && u.searchParams.get("ok") === "user_created");
      userURL = pathOf(page);
      assert.equal(await text(page.locator("p.flash")), t("zh-CN", "flash.user_created"));
      assert.equal(await page.locator('input[name="display_name"]').inputValue(), "韩梅梅");
      assert.equal(await page.locator('select[name="tier"]').inputValue(), "2");

      await page.goto("/users");
      const row = page.locator("#user-rows tr", { has: page.locator(`a[href="${userURL}"]`) });
      assert.equal(await text(row.locator("td").nth(0)), "hanmeimei");
      assert.equal(await text(row.locator("td").nth(1)), "韩梅梅");
      assert.equal(await text(row.locator("td").nth(2)), `${t("zh-CN", "role.agent")} · ${t("zh-CN", "tier.short", 2)}`);
    });

    test("the live search box filters the user list in place (htmx)", async () => {
      await page.goto("/users");
      const usernames = page.locator("#user-rows td:first-child a");
      assert.ok((await usernames.count()) >= 12, "all demo users and the new one are listed");
      const search = page.locator("input[data-search]");
      await page.keyboard.press("/"); // the shortcut focuses the search box
      await page.locator("input[data-search]:focus").waitFor();

      const partial = page.waitForRequest((r) => new URL(r.url()).pathname === "/users" && r.headers()["hx-request"] === "true");
      await page.keyboard.type("senior");
      await partial;
      await page.waitForURL((u) => u.searchParams.get("q") === "senior"); // hx-push-url
      await page.locator('#user-rows a', { hasText: "agent1" }).waitFor({ state: "detached" });
      assert.deepEqual((await usernames.allTextContents()).sort(), ["senior1", "senior2"]);
      assert.equal(await search.inputValue(), "senior", "the page was not reloaded");
      await shot(page, "users-search-zh-CN");
    });

    test("resetting a password shows the new one once, and it signs in", async () => {
      assert.ok(userURL, "the user was created");
      await page.goto(userURL);
      await page.locator(`form[action="${userURL}/password"] button[type="submit"]`).click();
      const shown = page.getByTestId("new-password");
      await shown.waitFor();
      const password = await text(shown.locator("code"));
      assert.ok(password.length >= 8, `a real password: ${password}`);
      await shot(page, "user-password-reset-zh-CN");

      await inContext(LOCALES["zh-CN"], async (other) => {
        await signIn(other, "hanmeimei", password);
        assert.equal(await text(other.getByTestId("whoami")), "韩梅梅 · 坐席 2 级");
        assert.deepEqual(await navHrefs(other), AGENT_NAV);
        assert.deepEqual(await other.getByTestId("permissions").locator("li").allTextContents(),
          TIER2.map((p) => t("zh-CN", "perm." + p)));
      });
    });

    test("the audit log shows the user.create entry", async () => {
      await page.goto("/audit");
      // The action column shows a translated label, with the action code as its title.
      const entry = page.locator('tbody tr:has(td[title="user.create"])').filter({ hasText: "hanmeimei" });
      assert.equal(await entry.count(), 1);
      assert.equal(await text(entry.locator("td").nth(1)), "admin");
      assert.equal(await text(entry.locator("td").nth(2)), t("zh-CN", "audit.act.user.create"));

      // The filter applies on change (app.js submits the form).
      await page.locator('select[name="action"]').selectOption("user.");
      await page.waitForURL((u) => u.searchParams.get("action") === "user.");
      const actions = await page.locator("tbody td:nth-child(3)").evaluateAll((tds) => tds.map((td) => td.title));
      assert.ok(actions.includes("user.create"), actions.join(", "));
      assert.ok(actions.every((a) => a.startsWith("user.")), actions.join(", "));
    });

    test("keyboard: g s opens the settings, ? opens the shortcuts", async () => {
      await page.goto("/");
      await page.keyboard.press("g");
      await page.keyboard.press("s");
      await page.waitForURL((u) => u.pathname === "/settings");

      const dialog = page.locator("dialog#shortcuts");
      assert.equal(await dialog.isVisible(), false);
      await page.keyboard.press("?");
      await dialog.waitFor({ state: "visible" });
      assert.equal(await text(dialog.locator("h2")), t("zh-CN", "shortcuts.title"));
      await shot(page, "shortcuts-zh-CN");
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });
    });
  });

  // Screenshots of the main pages as admin, in both languages, for a person to look at.
  for (const lang of Object.keys(LOCALES)) {
    test(`screenshots of the main pages, ${lang}`, () =>
      inContext(LOCALES[lang], async (page) => {
        await page.goto("/login");
        await shot(page, `page-login-${lang}`);
        await signIn(page, "admin");
        await page.goto("/users");
        const agent1 = await page.locator("#user-rows a", { hasText: /^agent1$/ }).getAttribute("href");
        const pages = {
          home: "/", users: "/users", "user-new": "/users/new", "user-edit": agent1, partners: "/partners",
          roles: "/roles", audit: "/audit", profile: "/profile", customers: "/customers", queues: "/queues",
          // The demo's repair order (ticket 2) and its customer, whose timeline shows it.
          customer: "/customers/2", tickets: "/tickets", ticket: "/tickets/2", todos: "/todos", kb: "/kb",
          announcements: "/announcements", calls: "/calls", settings: "/settings",
        };
        for (const [name, path] of Object.entries(pages)) {
          const resp = await page.goto(path);
          assert.equal(resp.status(), 200, path);
          assert.equal(await page.locator("html").getAttribute("lang"), lang, path);
          await shot(page, `page-${name}-${lang}`);
        }
        const missing = await page.goto("/no-such-page");
        assert.equal(missing.status(), 404);
        assert.equal(await text(page.getByTestId("error-message")), t(lang, "err.not_found"));
        await shot(page, `page-error-404-${lang}`);
      }));

    test(`screenshot of the forbidden page, ${lang}`, () =>
      inContext(LOCALES[lang], async (page) => {
        await signIn(page, "agent1");
        const resp = await page.goto("/users");
        assert.equal(resp.status(), 403);
        await shot(page, `page-error-403-${lang}`);
      }));
  }
});
