// A model whose compute grows with its input must not keep the tier's compute after its
// deadline, nor hold a core other tenants are waiting for longer than the fair slice.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { maskEmbeddingModel, runawayTextClassifier } from "@modelmarket/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningInference } from "../src/server";
import { storeModel } from "./model-store";
import { startTestTier } from "./test-tier";

const SECRET = crypto.randomBytes(32).toString("hex");
const ATTACKER_1 = "tnt_01aaaaaaaaaaaaaaaaaaaaaaaa";
const ATTACKER_2 = "tnt_01bbbbbbbbbbbbbbbbbbbbbbbb";
const VICTIM = "tnt_01cccccccccccccccccccccccc";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-runaway-"));
const RUNAWAY = storeModel(dataDir, runawayTextClassifier());
const QUICK = storeModel(dataDir, maskEmbeddingModel());
const SLICE_MS = 300;
let tier: RunningInference;

function text(ids: number[]) {
  return [
    { name: "input_ids", datatype: "INT64", shape: [1, ids.length], data: ids },
    { name: "attention_mask", datatype: "INT64", shape: [1, ids.length], data: ids.map(() => 1) },
  ];
}

async function infer(model: string, tenant: string, ids: number[], deadlineMs?: number) {
  const started = Date.now();
  const res = await fetch(`${tier.url}/v2/models/${model}/versions/1/infer`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${SECRET}`,
      "x-tenant-id": tenant,
      ...(deadlineMs ? { "x-deadline-ms": String(deadlineMs) } : {}),
    },
    body: JSON.stringify({ inputs: text(ids) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any>, ms: Date.now() - started };
}

async function metrics(): Promise<string> {
  return (await fetch(`${tier.url}/metrics`, { headers: { authorization: `Bearer ${SECRET}` } })).text();
}

beforeAll(async () => {
  tier = await startTestTier(
    dataDir,
    SECRET,
    { INFERENCE_CONCURRENCY: "2", INFERENCE_DEADLINE_MS: "20000", INFERENCE_FAIR_SLICE_MS: String(SLICE_MS) },
    process.env.RUNAWAY_DEBUG ? "debug" : "silent",
  );
  // Warm both models for every tenant (all-zero ids: the runaway model answers at once).
  for (const tenant of [ATTACKER_1, ATTACKER_2, VICTIM]) {
    expect((await infer(RUNAWAY, tenant, [0, 0])).status).toBe(200);
    expect((await infer(QUICK, tenant, [1, 2])).status).toBe(200);
  }
});
afterAll(async () => {
  await tier?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("runaway models", () => {
  it("security: a run past its deadline is stopped at once: slot free, worker replaced, next call served", async () => {
    const pid = tier.workers.get(ATTACKER_1)?.pid;
    const late = await infer(RUNAWAY, ATTACKER_1, [500, 500], 400);
    expect(late.status).toBe(504);
    expect(late.body).toMatchObject({ code: "INFERENCE_TIMEOUT" });
    expect(late.body.error).toMatch(/stopped/);
    // The compute is given back when the caller is answered, not when the model would finish.
    expect(tier.scheduler.busy).toBe(0);
    expect(tier.workers.get(ATTACKER_1)?.pid).toBeUndefined();
    expect(pid).toBeDefined();
    // The process is gone (reaped within moments of the SIGKILL).
    const gone = async () => {
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(pid as number, 0);
        } catch {
          return true;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return false;
    };
    expect(await gone()).toBe(true);
    const next = await infer(QUICK, ATTACKER_1, [1, 2, 3]);
    expect(next.status).toBe(200);
    expect(await metrics()).toMatch(
      new RegExp(`inference_runs_stopped_total\\{tenant="${ATTACKER_1}",reason="deadline"\\} 1`),
    );
  });

  it("security: two tenants running a runaway model on every core cannot make a third wait past the fair slice", async () => {
    // What happened, in order (no clock): victim calls start and end, attacker runs end.
    const events: string[] = [];
    let victimDone = false;
    const attackerAnswers: { status: number; error?: string }[] = [];
    const attack = async (tenant: string) => {
      while (!victimDone) {
        const r = await infer(RUNAWAY, tenant, [900, 900], 4_000);
        attackerAnswers.push({ status: r.status, error: r.body.error });
        events.push(/fair share/.test(r.body.error ?? "") ? "attacker-preempted" : "attacker-deadline");
      }
    };
    const attackers = [attack(ATTACKER_1), attack(ATTACKER_2)];
    // Both attackers hold both cores before the victim calls.
    while ((tier.scheduler.busy as number) < 2) await new Promise((r) => setImmediate(r));
    const victimMs: number[] = [];
    for (let call = 0; call < 5; call++) {
      events.push("victim-start");
      const r = await infer(QUICK, VICTIM, [4, 5, 6]);
      expect(r.status).toBe(200);
      events.push("victim-done");
      victimMs.push(r.ms);
    }
    victimDone = true;
    await Promise.all(attackers);
    console.log(
      `victim: ${victimMs.length} calls under attack, worst ${Math.max(...victimMs)} ms (fair slice ${SLICE_MS} ms; times are the bench's)`,
    );
    // No victim call waited for an attacker's run to reach its 4 s deadline: while a victim
    // waited, runs ended only by preemption (the fair slice), never by their deadline.
    let waiting = false;
    for (const event of events) {
      if (event === "victim-start") waiting = true;
      if (event === "victim-done") waiting = false;
      if (waiting) expect(event).not.toBe("attacker-deadline");
    }
    expect(attackerAnswers.length).toBeGreaterThan(0);
    // Preempted while the victim waited; the last ones (victim gone) ran on to their deadline.
    for (const a of attackerAnswers) expect(a.status).toBe(504);
    expect(attackerAnswers.filter((a) => /fair share/.test(a.error ?? "")).length).toBeGreaterThanOrEqual(2);
    expect(await metrics()).toMatch(/inference_runs_stopped_total\{tenant="[^"]+",reason="preempted"\} [1-9]/);
  });
});
