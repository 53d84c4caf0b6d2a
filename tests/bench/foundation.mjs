// Part 1 (foundation): authenticated `models(first: 20)` with an API key vs an
// unauthenticated `{ __typename }`. Target: the catalog query keeps ≥ 50% of the trivial
// query's throughput.
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { root, summary } from "./product.mjs";

const { ModelmarketClient } = await import(path.join(root, "packages/sdk/dist/index.js"));
const { maskEmbeddingModel } = await import(path.join(root, "packages/onnx/dist/index.js"));

const CATALOG_SIZE = 30;

export async function runFoundation({ url, owner, key, settings }) {
  const { durationS, rounds, connections } = settings;
  const asset = async (text) => (await owner.uploadArtifact(Buffer.from(text), { kind: "asset" })).body.id;
  const assets = {
    vocab: await asset("[PAD]\n[UNK]\n[CLS]\n[SEP]\nbench"),
    preprocessing: await asset(JSON.stringify({ tokenizer: "wordpiece" })),
  };
  // A catalog large enough that a page of 20 is full.
  for (let i = 0; i < CATALOG_SIZE; i++) {
    const upload = await owner.uploadArtifact(maskEmbeddingModel(`bench-${i}`));
    await owner.request(`mutation($i: PublishModelInput!) { publishModel(input: $i) { id } }`, {
      i: {
        name: `bench model ${i}`,
        description: `Benchmark catalog entry ${i}`,
        task: "TEXT_EMBEDDING",
        tags: ["bench"],
        artifactId: upload.body.id,
        version: "1.0.0",
        assets,
        plans: [
          { name: "Free", monthlyFeeCents: 0, includedUnits: 100, unitPriceMicros: 0, rateLimitPerMinute: 60 },
          { name: "Pro", monthlyFeeCents: 900, includedUnits: 10000, unitPriceMicros: 50, rateLimitPerMinute: 600 },
        ],
      },
    });
  }
  const catalogQuery = {
    query: `{ models(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
      id slug name description task tags publisher { slug name }
      latestVersion { version sizeBytes createdAt } plans { name monthlyFeeCents includedUnits unitPriceMicros currency } } } } }`,
  };
  const check = await new ModelmarketClient(url, key).request(catalogQuery.query);
  if (check.models.edges.length !== 20) throw new Error("catalog page is not full");

  const load = ({ headers = {}, body }) =>
    autocannon({
      url: `${url}/graphql`,
      method: "POST",
      connections,
      duration: durationS,
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const trivial = [];
  const catalog = [];
  // Warm-up, then alternate so that drift on a shared machine hits both sides alike.
  await load({ body: { query: "{ __typename }" } });
  for (let round = 0; round < rounds; round++) {
    trivial.push(summary(await load({ body: { query: "{ __typename }" } })));
    catalog.push(summary(await load({ headers: { authorization: `Bearer ${key}` }, body: catalogQuery })));
  }
  const avg = (xs, f) => xs.reduce((s, x) => s + f(x), 0) / xs.length;
  const ratio = avg(catalog, (x) => x.reqPerSec) / avg(trivial, (x) => x.reqPerSec);
  const failures = [...trivial, ...catalog].reduce((s, x) => s + x.non2xx + x.errors, 0);
  console.log("\nFoundation: authenticated models(first: 20) vs unauthenticated { __typename }");
  console.log(`  machine: ${os.cpus().length} cores, ${connections} connections, ${rounds} x ${durationS} s each`);
  for (let i = 0; i < rounds; i++) {
    console.log(
      `  round ${i + 1}: { __typename } ${trivial[i].reqPerSec} req/s (p99 ${trivial[i].p99Ms} ms)` +
        ` | models(first: 20) ${catalog[i].reqPerSec} req/s (p99 ${catalog[i].p99Ms} ms)`,
    );
  }
  console.log(
    `  throughput ratio catalog/trivial: ${ratio.toFixed(2)} (target >= 0.50) ${ratio >= 0.5 ? "MET" : "MISSED"}`,
  );
  console.log(
    `  p99 ratio catalog/trivial: ${(avg(catalog, (x) => x.p99Ms) / avg(trivial, (x) => x.p99Ms)).toFixed(2)}`,
  );
  if (failures) console.log(`  !! ${failures} failed requests during the run`);
  return { part: "foundation", trivial, catalog, ratio: Number(ratio.toFixed(3)), target: ">= 0.5", failures };
}
