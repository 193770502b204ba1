// A repair order from intake to the repair station: an agent opens it for a demo
// customer, dispatches it to the demo station, and the station's user signs in, sees
// only what the job needs and moves it on with a progress note.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { close, launch, newContext, pathOf, shot, signIn, t } from "./lib.mjs";

describe("work orders in a browser", () => {
  before(launch);
  after(close);

  test("repair order: intake, dispatch to the station, station updates it", async () => {
    const agentCtx = await newContext("zh-CN");
    const stationCtx = await newContext("zh-CN");
    try {
      const page = await agentCtx.newPage();
      await signIn(page, "senior1");
      await page.goto("/tickets/new?customer=10&type=repair");
      const form = page.getByTestId("ticket-form");
      await form.locator('input[name="title"]').fill("电脑开机黑屏，需上门");
      await form.locator('input[name="fv_asset"]').fill("SN-E2E-0001");
      await form.locator('textarea[name="fv_fault"]').fill("开机后屏幕无显示，风扇正常。");
      await form.locator('select[name="fv_service"]').selectOption("上门");
      await form.locator('input[name="fv_address"]').fill("北京市海淀区知春路 7 号");
      await form.locator('input[name="fv_appointment"]').fill("2026-12-01");
      // Ctrl+Enter submits the form being edited.
      await form.locator('input[name="fv_address"]').press("Control+Enter");
      await page.waitForURL((u) => /^\/tickets\/\d+$/.test(u.pathname));
      const path = pathOf(page);
      const id = path.split("/").pop();
      const number = (await page.getByTestId("ticket-number").textContent()).trim();
      assert.match(number, /^\d{13}$/);
      assert.equal((await page.getByTestId("ticket-status").textContent()).trim(), "新建");

      // "d" focuses the dispatch form.
      await page.locator("body").press("d");
      assert.equal(await page.evaluate(() => document.activeElement.name), "assignee_id");
      const dispatch = page.getByTestId("dispatch-form");
      await dispatch.locator('select[name="partner_id"]').selectOption({ label: "华强电脑维修站（中关村）" });
      await dispatch.locator('button[type="submit"]').click();
      await page.waitForURL((u) => u.search.includes("ok=ticket_dispatched"));
      assert.equal((await page.getByTestId("ticket-partner").textContent()).trim(), "华强电脑维修站（中关村）");
      await page.getByTestId("status-form").locator('textarea[name="note"]').fill("已派维修站，请今天联系客户。");
      await page.getByTestId("status-form").getByRole("button", { name: "→ 已派单" }).click();
      await page.waitForURL((u) => u.search.includes("ok=ticket_status"));
      assert.equal((await page.getByTestId("ticket-status").textContent()).trim(), "已派单");
      await page.getByTestId("notes").locator("li").first().waitFor();
      await page.locator('form[action$="/notes"] textarea[name="body"]').fill("客户要求师傅上门前电话联系。");
      await page.locator('form[action$="/notes"] button[type="submit"]').click(); // an internal note: checked by default
      await page.waitForURL((u) => u.search.includes("ok=ticket_note"));
      await shot(page, "ticket-repair-zh-CN");

      // The station sees the order, the job and the customer's contact, not internal notes.
      const sp = await stationCtx.newPage();
      await signIn(sp, "station");
      await sp.goto("/orders");
      await sp.getByRole("link", { name: number }).click();
      assert.equal(pathOf(sp), `/orders/${id}`);
      assert.equal((await sp.getByTestId("order-customer").textContent()).trim().length > 0, true);
      assert.notEqual((await sp.getByTestId("order-phone").textContent()).trim(), "—");
      const pageText = await sp.locator("main").textContent();
      assert.ok(pageText.includes("北京市海淀区知春路 7 号"), "address shown");
      assert.ok(pageText.includes("已派维修站，请今天联系客户。"), "progress note shown");
      assert.ok(!pageText.includes("客户要求师傅上门前电话联系。"), "internal note hidden");
      assert.equal((await sp.goto(path)).status(), 403, "the staff ticket page is closed to partners");
      assert.equal((await sp.goto("/orders/1")).status(), 404, "another order is not found");

      await sp.goto(`/orders/${id}`);
      await sp.locator("body").press("s"); // "s" focuses the status note
      await sp.keyboard.type("已接单，明天上午上门。");
      await sp.getByTestId("status-form").getByRole("button", { name: "→ 已接单" }).click();
      await sp.waitForURL((u) => u.search.includes("ok=ticket_status"));
      assert.equal((await sp.getByTestId("ticket-status").textContent()).trim(), "已接单");
      assert.ok((await sp.getByTestId("notes").textContent()).includes("已接单，明天上午上门。"));
      await shot(sp, "order-station-zh-CN");

      // Back at the center, the history shows the station's change.
      await page.goto(path);
      const history = await page.getByTestId("history").textContent();
      assert.ok(history.includes("黄师傅"), "station in history");
      assert.equal((await page.getByTestId("ticket-status").textContent()).trim(), "已接单");
      assert.ok(t("zh-CN", "tickets.history").length > 0);
    } finally {
      await agentCtx.close();
      await stationCtx.close();
    }
  });
});
