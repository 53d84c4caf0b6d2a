// Portal part: the server-rendered catalog page (anonymous, 12 cards, from the API) and a
// search, against the portal's static icon as the baseline, with a catalog of a few hundred
// models. No target in an issue; the figure says what "fast with hundreds of models" costs.
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { root, summary } from "./product.mjs";

const { maskEmbeddingModel } = await import(path.join(root, "packages/onnx/dist/index.js"));

const CATALOG_SIZE = 300;

export async function runPortal({ webUrl, owner, settings }) {
  const { durationS, rounds, connections } = settings;
  const asset = async (text) => (await owner.uploadArtifact(Buffer.from(text), { kind: "asset" })).body.id;
  const assets = {
    vocab: await asset("[PAD]\n[UNK]\n[CLS]\n[SEP]\nportal"),
    preprocessing: await asset(JSON.stringify({ tokenizer: "wordpiece" })),
  };
  const started = Date.now();
  for (let i = 0; i < CATALOG_SIZE; i++) {
    const upload = await owner.uploadArtifact(maskEmbeddingModel(`portal-${i}`));
    await owner.request(`mutation($i: PublishModelInput!) { publishModel(input: $i) { id } }`, {
      i: {
        name: `portal model ${i}`,
        description: `Portal benchmark entry ${i}${i % 10 === 0 ? " (searchable needle)" : ""}`,
        task: "TEXT_EMBEDDING",
        tags: ["portal"],
        artifactId: upload.body.id,
        version: "1.0.0",
        assets,
        plans: [{ name: "Free", monthlyFeeCents: 0, includedUnits: 100, unitPriceMicros: 0, rateLimitPerMinute: 60 }],
      },
    });
  }
  console.log(`\nPortal: published ${CATALOG_SIZE} models in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const load = (pathAndQuery) => autocannon({ url: `${webUrl}${pathAndQuery}`, connections, duration: durationS });
  const icon = [];
  const catalog = [];
  const search = [];
  await load("/");
  for (let round = 0; round < rounds; round++) {
    icon.push(summary(await load("/icon.svg")));
    catalog.push(summary(await load("/")));
    search.push(summary(await load("/?q=needle&task=TEXT_EMBEDDING")));
  }
  const avg = (xs, f) => xs.reduce((s, x) => s + f(x), 0) / xs.length;
  const ratio = (xs) => Number((avg(xs, (x) => x.reqPerSec) / avg(icon, (x) => x.reqPerSec)).toFixed(3));
  const failures = [...icon, ...catalog, ...search].reduce((s, x) => s + x.non2xx + x.errors, 0);
  console.log(`  machine: ${os.cpus().length} cores, ${connections} connections, ${rounds} x ${durationS} s each`);
  for (let i = 0; i < rounds; i++) {
    console.log(
      `  round ${i + 1}: /icon.svg ${icon[i].reqPerSec} req/s | catalog page ${catalog[i].reqPerSec} req/s (p50 ${catalog[i].p50Ms} ms, p99 ${catalog[i].p99Ms} ms)` +
        ` | search page ${search[i].reqPerSec} req/s (p99 ${search[i].p99Ms} ms)`,
    );
  }
  console.log(`  catalog page / static icon: ${ratio(catalog)}; search page / static icon: ${ratio(search)}`);
  if (failures) console.log(`  !! ${failures} failed requests during the run`);
  return {
    part: "portal",
    catalogSize: CATALOG_SIZE,
    icon,
    catalog,
    search,
    catalogRatio: ratio(catalog),
    searchRatio: ratio(search),
    failures,
  };
}
