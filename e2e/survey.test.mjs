// A customer answers a questionnaire link on a phone-sized screen, in Chinese and in
// English (the invitation's language), and is refused the second time. An agent makes
// the link from the send form that customer and ticket pages load.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { close, launch, newContext, shot, signIn, t } from "./lib.mjs";

before(launch);
after(close);

// invite makes a link invitation for a demo customer as agent1 and returns its path.
async function invite(lang) {
  const ctx = await newContext("zh-CN");
  const page = await ctx.newPage();
  await signIn(page, "agent1");
  await page.goto("/surveys/send?customer_id=7");
  await page.locator('select[name="language"]').selectOption(lang);
  await page.locator('form[action="/surveys/invitations"] button[type="submit"]').click();
  const message = await page.getByTestId("survey-message").textContent();
  await ctx.close();
  const m = message.match(/\/s\/[A-Za-z0-9_-]+/);
  assert.ok(m, `no link in ${message}`);
  return m[0];
}

describe("questionnaire link", () => {
  for (const lang of ["zh-CN", "en"]) {
    test(`answer once, refused the second time (${lang})`, async () => {
      const link = await invite(lang === "en" ? "en" : "zh");
      // The customer's phone speaks the other language: the invitation's language wins.
      const ctx = await newContext(lang === "en" ? "zh-CN" : "en", { viewport: { width: 390, height: 844 } });
      const page = await ctx.newPage();
      await page.goto(link);
      assert.equal(await page.locator("h1").textContent(), "服务满意度回访");
      await page.getByTestId("q1-5").check();
      // A 4-5 rating skips the "what to improve" question.
      assert.equal(await page.getByTestId("q2-text").isVisible(), false);
      await page.getByTestId("q3-9").check();
      await shot(page, `survey-public-${lang}`);
      await page.getByTestId("survey-submit").click();
      assert.equal((await page.getByTestId("survey-thanks").textContent()).trim(), t(lang, "survey.thanks"));
      assert.deepEqual(await ctx.cookies(), []);
      await page.goto(link);
      assert.equal((await page.getByTestId("survey-refused").textContent()).trim(), t(lang, "err.survey_answered"));
      // Posting the form again (a stale tab) is refused too.
      const res = await page.request.post(link, { form: { q1: "1" } });
      assert.equal(res.status(), 409);
      await ctx.close();
    });
  }
});
