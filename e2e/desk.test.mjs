// The service desk's daily walk in a browser: an agent finds a caller by the phone number
// as the caller says it, opens a repair order from the customer's page and dispatches it
// to the demo repair station; the station's user signs in, sees only its own orders and
// moves this one on with progress notes; back at the desk, the customer's timeline shows
// what the station did. Frequent actions go through the keyboard shortcuts the pages show.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { close, launch, newContext, pathOf, shot, signIn, t } from "./lib.mjs";

const STATION = "华强电脑维修站（中关村）"; // the demo repair station (internal/demo)
const STATION_USER = "黄师傅";
const AGENT = "刘洋"; // senior1: tier 2, may dispatch

async function text(locator) {
  return (await locator.textContent()).trim();
}

// keys presses keys one after the other, as a person types a shortcut like "g c".
async function keys(page, ...ks) {
  for (const k of ks) await page.keyboard.press(k);
}

async function signOut(page, lang) {
  await page.getByRole("button", { name: t(lang, "nav.logout") }).click();
  await page.waitForURL((u) => u.pathname === "/login");
}

// The customer list's rows: name, profile link and phone numbers as shown.
async function customerRows(page) {
  return page.locator("#customer-rows tr:has(a[href^='/customers/'])").evaluateAll((rows) => rows.map((tr) => ({
    name: tr.querySelector("td a").textContent.trim(),
    href: tr.querySelector("td a").getAttribute("href"),
    phones: [...tr.querySelectorAll("td:nth-child(2) span")].map((s) => s.textContent.trim()),
  })));
}

// The customer timeline's entries, newest first.
async function timeline(page) {
  return page.getByTestId("timeline").locator("li").evaluateAll((lis) => lis.map((li) => ({
    category: li.className.replace(/^cat-/, ""),
    title: li.querySelector("strong")?.textContent.trim() ?? "",
    detail: li.querySelector("div:not(.muted)")?.textContent.trim() ?? "",
    actor: li.querySelector("div.muted")?.textContent.trim() ?? "",
  })));
}

// Ticket numbers and ids listed in a ticket or order table.
async function listed(page, testid) {
  return page.getByTestId(testid).locator("tbody td:first-child a").evaluateAll((as) =>
    as.map((a) => ({ number: a.textContent.trim(), id: a.getAttribute("href").split("/").pop() })));
}

// searchCustomers types into the list's live search (htmx) and waits for the rows.
async function searchCustomers(page, query, expect) {
  const search = page.locator("input[data-search]");
  await search.fill(query);
  await page.waitForURL((u) => u.searchParams.get("q") === query); // hx-push-url
  await page.waitForFunction(({ want }) => {
    const links = [...document.querySelectorAll("#customer-rows a[href^='/customers/']")];
    return links.length === 1 && links[0].getAttribute("href") === want;
  }, { want: expect.href });
  assert.equal(await search.inputValue(), query, "the page was not reloaded");
}

// A date some days ahead, as a date input takes it.
function daysAhead(n) {
  const d = new Date(Date.now() + n * 86400e3);
  return d.toISOString().slice(0, 10);
}

describe("service desk in a browser", () => {
  before(launch);
  after(close);

  // What the Chinese walk made, for the English check.
  const made = {};

  test("zh-CN: find the caller by phone, open a repair order, dispatch it; the station updates it; the desk sees it on the timeline", async () => {
    const ctx = await newContext("zh-CN");
    try {
      const page = await ctx.newPage();
      await signIn(page, "senior1");

      // g c opens the customers. Take a Beijing customer with a mobile and a landline.
      await keys(page, "g", "c");
      await page.waitForURL((u) => u.pathname === "/customers");
      const cu = (await customerRows(page)).find((r) => r.phones.some((p) => p.startsWith("010-")) && r.phones.some((p) => /^1\d\d \d{4} \d{4}$/.test(p)));
      assert.ok(cu, "the demo has a Beijing customer with a mobile and a landline");
      const mobile = cu.phones.find((p) => /^1\d\d /.test(p)).replace(/ /g, "");
      const landline = cu.phones.find((p) => p.startsWith("010-")).slice(4);

      // The caller gives the mobile as 138-1234-5678; "/" focuses the search box.
      await page.keyboard.press("/");
      await page.locator("input[data-search]:focus").waitFor();
      await searchCustomers(page, `${mobile.slice(0, 3)}-${mobile.slice(3, 7)}-${mobile.slice(7)}`, cu);
      assert.equal(await text(page.locator("#customer-rows tr").first()), t("zh-CN", "common.found", 1));
      // ... or the office line as (010) 5882 1314.
      await searchCustomers(page, `(010) ${landline.slice(0, 4)} ${landline.slice(4)}`, cu);
      await shot(page, "desk-customer-search-zh-CN");
      await page.locator(`#customer-rows a[href="${cu.href}"]`).click();
      await page.waitForURL((u) => u.pathname === cu.href);
      assert.ok((await text(page.locator("main h1"))).startsWith(cu.name), "the customer's page");
      made.customer = cu;

      // "w" opens a new work order for this customer.
      const newTicket = page.getByTestId("new-ticket");
      assert.ok((await text(newTicket)).startsWith(t("zh-CN", "customers.new_ticket")));
      await page.keyboard.press("w");
      await page.waitForURL((u) => u.pathname === "/tickets/new" && u.search === `?customer=${cu.href.split("/").pop()}`);
      assert.equal(await text(page.getByTestId("ticket-customer")), cu.name);
      await page.locator("nav.tabs a", { hasText: "维修/上门服务" }).click();
      await page.waitForURL((u) => u.searchParams.get("type") === "repair");
      assert.equal(await page.locator('nav.tabs a[aria-current="page"]').textContent(), "维修/上门服务");

      const form = page.getByTestId("ticket-form");
      assert.equal(await page.evaluate(() => document.activeElement.name), "title", "the subject has the focus");
      await page.keyboard.type("电脑开机黑屏，需上门");
      assert.equal(await form.locator('select[name="priority"]').inputValue(), "high", "the type's default priority");
      await form.locator('input[name="fv_asset"]').fill("PF-E2E-0001");
      await form.locator('textarea[name="fv_fault"]').fill("开机后屏幕无显示，风扇正常。");
      await form.locator('select[name="fv_service"]').selectOption("上门");
      await form.locator('input[name="fv_address"]').fill("北京市海淀区知春路 7 号");
      await form.locator('input[name="fv_appointment"]').fill(daysAhead(3));
      await shot(page, "desk-ticket-new-zh-CN");
      // Ctrl+Enter submits the form being edited.
      await form.locator('input[name="fv_address"]').press("Control+Enter");
      await page.waitForURL((u) => /^\/tickets\/\d+$/.test(u.pathname) && u.searchParams.get("ok") === "ticket_created");
      const path = pathOf(page);
      const id = path.split("/").pop();
      const number = await text(page.getByTestId("ticket-number"));
      assert.match(number, /^\d{13}$/);
      assert.equal(await text(page.getByTestId("ticket-status")), "新建");
      assert.equal(await page.getByTestId("ticket-customer-link").getAttribute("href"), cu.href);
      made.ticket = { path, id, number };

      // "d" focuses the dispatch form; Ctrl+Enter sends it.
      await page.keyboard.press("d");
      assert.equal(await page.evaluate(() => document.activeElement.name), "assignee_id");
      const dispatch = page.getByTestId("dispatch-form");
      const partner = dispatch.locator('select[name="partner_id"]');
      await partner.selectOption({ label: STATION });
      const partnerID = await partner.inputValue();
      await partner.press("Control+Enter");
      await page.waitForURL((u) => u.searchParams.get("ok") === "ticket_dispatched");
      assert.equal(await text(page.getByTestId("ticket-partner")), STATION);

      // "s" focuses the progress note of a status change.
      await page.keyboard.press("s");
      await page.keyboard.type("已派维修站，请今天联系客户。");
      await page.getByTestId("status-form").getByRole("button", { name: "→ 已派单" }).click();
      await page.waitForURL((u) => u.searchParams.get("ok") === "ticket_status");
      assert.equal(await text(page.getByTestId("ticket-status")), "已派单");
      // "m" focuses the note box; a note is internal unless unticked.
      await page.keyboard.press("m");
      await page.keyboard.type("客户要求师傅上门前电话联系。");
      await page.keyboard.press("Control+Enter");
      await page.waitForURL((u) => u.searchParams.get("ok") === "ticket_note");
      assert.ok((await text(page.getByTestId("notes"))).includes("客户要求师傅上门前电话联系。"));
      await shot(page, "desk-ticket-zh-CN");

      // The station's orders, and one ticket that is not the station's.
      await page.goto(`/tickets?view=all&partner=${partnerID}`);
      const stationOrders = (await listed(page, "ticket-list")).map((o) => o.number).sort();
      assert.ok(stationOrders.includes(number));
      await page.goto("/tickets?view=all");
      const other = (await listed(page, "ticket-list")).find((o) => !stationOrders.includes(o.number));
      assert.ok(other, "some ticket is not the station's");
      await signOut(page, "zh-CN");

      // The station: its orders and nothing else.
      await signIn(page, "station");
      await keys(page, "g", "o");
      await page.waitForURL((u) => u.pathname === "/orders");
      assert.ok((await listed(page, "order-list")).some((o) => o.number === number), "the new order is listed");
      await page.goto("/orders?all=1");
      assert.deepEqual((await listed(page, "order-list")).map((o) => o.number).sort(), stationOrders, "exactly the station's orders");
      await shot(page, "desk-orders-zh-CN");
      assert.equal((await page.goto(`/orders/${other.id}`)).status(), 404, "another order is not found");
      assert.equal((await page.goto("/customers")).status(), 403, "no customer list");
      assert.equal((await page.goto(cu.href)).status(), 403, "no customer page");
      assert.equal((await page.goto(path)).status(), 403, "the staff ticket page is closed to partners");

      await page.goto("/orders");
      await page.getByRole("link", { name: number }).click();
      await page.waitForURL((u) => u.pathname === `/orders/${id}`);
      assert.equal(await text(page.getByTestId("order-customer")), cu.name);
      assert.ok(cu.phones.includes(await text(page.getByTestId("order-phone"))), "the customer's number to call");
      const job = await page.locator("main").textContent();
      assert.ok(job.includes("北京市海淀区知春路 7 号"), "address shown");
      assert.ok(job.includes("已派维修站，请今天联系客户。"), "progress note shown");
      assert.ok(!job.includes("客户要求师傅上门前电话联系。"), "internal note hidden");

      for (const [to, note] of [["已接单", "已接单，明天上午上门。"], ["已上门", "师傅已到现场，主板进水需更换。"]]) {
        await page.keyboard.press("s");
        await page.keyboard.type(note);
        await page.getByTestId("status-form").getByRole("button", { name: `→ ${to}` }).click();
        await page.waitForURL((u) => u.searchParams.get("ok") === "ticket_status" && u.pathname === `/orders/${id}`);
        assert.equal(await text(page.getByTestId("ticket-status")), to);
        assert.ok((await text(page.getByTestId("notes"))).includes(note));
      }
      await shot(page, "desk-order-station-zh-CN");
      await signOut(page, "zh-CN");

      // Back at the desk, the caller rings again: the timeline shows the station's work.
      await signIn(page, "senior1");
      await keys(page, "g", "c");
      await page.waitForURL((u) => u.pathname === "/customers");
      await page.keyboard.press("/");
      await searchCustomers(page, `010-${landline}`, cu);
      await page.locator(`#customer-rows a[href="${cu.href}"]`).click();
      await page.waitForURL((u) => u.pathname === cu.href);
      const items = (await timeline(page)).filter((i) => i.detail.includes(number));
      const has = (title, actor, ...details) => items.some((i) => i.title === title && i.actor === actor && details.every((d) => i.detail.includes(d)));
      const kind = (k) => t("zh-CN", "timeline.kind." + k);
      assert.ok(has(kind("ticket.created"), AGENT, "电脑开机黑屏，需上门"), "opened by the agent");
      assert.ok(has(kind("ticket.dispatched"), AGENT, t("zh-CN", "timeline.to", STATION)), "dispatched to the station");
      assert.ok(has(kind("ticket.status_changed"), STATION_USER, t("zh-CN", "timeline.status", "已接单")), "accepted by the station");
      assert.ok(has(kind("ticket.status_changed"), STATION_USER, t("zh-CN", "timeline.status", "已上门")), "on site");
      assert.ok(has(kind("ticket.note_added"), STATION_USER, "师傅已到现场，主板进水需更换。"), "the station's note");
      assert.ok(!items.some((i) => i.detail.includes("客户要求师傅上门前电话联系。")), "internal notes stay off the timeline");
      await shot(page, "desk-customer-timeline-zh-CN");

      // The timeline's work-order filter shows only work-order events.
      await page.locator("main nav.toolbar a", { hasText: t("zh-CN", "timeline.cat.ticket") }).click();
      await page.waitForURL((u) => u.searchParams.get("category") === "ticket");
      const filtered = await timeline(page);
      assert.ok(filtered.length >= 7, `${filtered.length} work-order events`);
      assert.ok(filtered.every((i) => i.category === "ticket"), filtered.map((i) => i.category).join(", "));

      // An entry opens its work order, whose history shows the station's change too.
      await page.getByTestId("timeline").locator("li", { hasText: "师傅已到现场" }).getByRole("link").click();
      await page.waitForURL((u) => u.pathname === path);
      assert.equal(await text(page.getByTestId("ticket-status")), "已上门");
      assert.ok((await text(page.getByTestId("history"))).includes(STATION_USER), "station in history");
      await page.getByTestId("ticket-customer-link").click();
      await page.waitForURL((u) => u.pathname === cu.href);
    } finally {
      await ctx.close();
    }
  });

  test("en: the same pages in English", async () => {
    assert.ok(made.ticket, "the Chinese walk made a work order");
    const { customer: cu, ticket: tk } = made;
    const ctx = await newContext("en-US");
    try {
      const page = await ctx.newPage();
      await signIn(page, "senior1");
      await page.goto(cu.href);
      assert.equal(await page.locator("html").getAttribute("lang"), "en");
      assert.ok((await text(page.getByTestId("new-ticket"))).startsWith(t("en", "customers.new_ticket")));
      const items = await timeline(page);
      assert.ok(items.some((i) => i.title === t("en", "timeline.kind.ticket.status_changed") && i.actor === STATION_USER &&
        i.detail.includes(t("en", "timeline.status", "On site"))), "the status change in English");
      await shot(page, "desk-customer-timeline-en");

      await page.goto(tk.path);
      assert.equal(await text(page.getByTestId("ticket-status")), "On site");
      assert.ok((await text(page.locator("main"))).includes(t("en", "tickets.history")));
      await shot(page, "desk-ticket-en");
      await page.goto(`/tickets/new?customer=${cu.href.split("/").pop()}&type=repair`);
      assert.equal(await page.locator('nav.tabs a[aria-current="page"]').textContent(), "Repair / on-site service");
      assert.ok((await text(page.getByTestId("ticket-form"))).includes("Fault description"));
      await signOut(page, "en");

      await signIn(page, "station");
      await page.goto("/orders");
      assert.equal(await text(page.locator("main h1")), t("en", "orders.title"));
      await page.getByRole("link", { name: tk.number }).click();
      await page.waitForURL((u) => u.pathname === `/orders/${tk.id}`);
      assert.equal(await text(page.getByTestId("ticket-status")), "On site");
      assert.ok((await text(page.locator("main"))).includes(t("en", "orders.job")));
      await shot(page, "desk-order-station-en");
    } finally {
      await ctx.close();
    }
  });
});
