// The agent console and the wallboard in a browser: agent1 logs in to extension 1001,
// takes a break with a reason and comes back, through the keyboard shortcuts the console
// shows; a supervisor's wallboard in a second browser sees each change live (pushed over
// server-sent events, not polled). Screenshots of /agent, /wallboard and its TV mode in
// both languages.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { close, launch, newContext, shot, signIn, t } from "./lib.mjs";

const AGENT = "王伟"; // agent1 (internal/demo), extension 1001

// agentRow is the wallboard's row of agent1.
function agentRow(page) {
  return page.getByTestId("agent-row").filter({ hasText: AGENT });
}

async function wallboardState(page, want) {
  await page.waitForFunction(
    ([name, state]) => [...document.querySelectorAll("[data-testid=agent-row]")]
      .some((tr) => tr.textContent.includes(name) && tr.querySelector("[data-testid=agent-row-state]")?.dataset.state === state),
    [AGENT, want], { timeout: 5000 },
  );
}

async function panelState(page, want) {
  await page.waitForFunction((state) => document.querySelector("[data-testid=agent-state]")?.dataset.state === state, want, { timeout: 5000 });
}

// blur leaves any form control, so that one-letter shortcuts reach the page.
async function blur(page) {
  await page.evaluate(() => document.activeElement?.blur());
}

describe("agent console and wallboard", () => {
  before(launch);
  after(close);

  for (const lang of ["en", "zh-CN"]) {
    test(`break and back, seen live on the wallboard (${lang})`, async () => {
      const agentCtx = await newContext(lang);
      const supCtx = await newContext(lang);
      const agent = await agentCtx.newPage();
      const sup = await supCtx.newPage();
      try {
        await signIn(agent, "agent1");
        await agent.keyboard.press("g");
        await agent.keyboard.press("a");
        await agent.waitForURL((u) => u.pathname === "/agent");
        // The console's shortcuts are in the ? help.
        await agent.keyboard.press("?");
        const help = agent.locator("dialog#shortcuts");
        await help.waitFor({ state: "visible" });
        assert.ok((await help.textContent()).includes(t(lang, "agent.key.wrapup")), "wrap-up shortcut in the help");
        await agent.keyboard.press("Escape");

        // Log in to the phone (the state may be left over from the other language's run).
        const state = await agent.getByTestId("agent-state").getAttribute("data-state");
        if (state === "logged_out") {
          await agent.getByTestId("extension").selectOption("1001");
          await agent.getByTestId("phone-login").getByRole("button").click();
        }
        await panelState(agent, "available");

        await signIn(sup, "supervisor");
        await sup.goto("/wallboard");
        await wallboardState(sup, "available");
        await shot(sup, `wallboard-${lang}`);

        // A break with a reason, by the shortcut b.
        await agent.getByTestId("break-reason").selectOption("training");
        await blur(agent);
        await agent.keyboard.press("b");
        await panelState(agent, "break");
        assert.ok((await agent.getByTestId("agent-state").textContent()).includes(t(lang, "agent.reason.training")));
        await wallboardState(sup, "break");
        assert.ok((await agentRow(sup).textContent()).includes(t(lang, "agent.reason.training")), "the wallboard names the reason");
        await shot(agent, `agent-break-${lang}`);

        // Back, by the shortcut a.
        await blur(agent);
        await agent.keyboard.press("a");
        await panelState(agent, "available");
        await wallboardState(sup, "available");
        await shot(agent, `agent-${lang}`);

        // Click-to-dial from a customer's page: the agent's phone rings first.
        await agent.goto("/customers/2");
        const dial = agent.getByTestId("dial-button").first();
        await dial.click();
        const notice = agent.getByTestId("notice").first();
        await notice.waitFor();
        assert.equal((await notice.textContent()).trim(), t(lang, "agent.done.dial"));

        // TV mode: no chrome, big tiles, still live.
        await sup.goto("/wallboard?tv=1");
        assert.equal(await sup.locator("header.top").count(), 0, "TV mode has no header");
        assert.ok(await sup.getByTestId("queue-tile").count() > 0, "TV mode shows the queues");
        await wallboardState(sup, "available");
        await shot(sup, `wallboard-tv-${lang}`);
      } finally {
        await agentCtx.close();
        await supCtx.close();
      }
    });
  }
});
