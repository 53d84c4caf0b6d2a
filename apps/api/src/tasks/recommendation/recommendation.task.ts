import { recommendation } from "@modelmarket/tasks";
import type { TaskModule } from "../task-module";
import { ITEM_FACTOR_NAMES, itemFactorRows } from "./item-factors";
import { RecommendResolver } from "./recommend.resolver";

export const recommendationTask: TaskModule = {
  descriptor: recommendation,
  resolver: RecommendResolver,
  async check(c) {
    const byName = new Map(c.signature.inputs.map((i) => [i.name, i]));
    const user = byName.get("user_index");
    const mask = byName.get("exclude_mask");
    const k = byName.get("k");
    if (!user || !mask || !k) throw c.misfit("it must take inputs user_index, exclude_mask and k");
    c.expectTensor(user, ["int64"], 1, 'input "user_index"');
    c.expectTensor(mask, ["float"], 2, 'input "exclude_mask"');
    c.expectTensor(k, ["int64"], 1, 'input "k"');
    const outputs = new Map(c.signature.outputs.map((o) => [o.name, o]));
    const scores = outputs.get("top_scores");
    const items = outputs.get("top_items");
    if (!scores || !items) throw c.misfit("it must return top_scores and top_items");
    c.expectTensor(scores, ["float"], 2, 'output "top_scores"');
    c.expectTensor(items, ["int64"], 2, 'output "top_items"');
    await c.readList("users");
    const itemIds = await c.readList("items");
    const itemCount = mask.shape?.[1];
    if (typeof itemCount === "number" && itemCount !== itemIds.length) {
      throw c.misfit(`exclude_mask covers ${itemCount} items but the items asset has ${itemIds.length}`);
    }
    // Optional: item factors under a conventional name make the model answer similarItems too.
    const factors =
      (await c.readModelInitializer(ITEM_FACTOR_NAMES.rows)) ??
      (await c.readModelInitializer(ITEM_FACTOR_NAMES.columns));
    if (factors) {
      const fit = itemFactorRows(factors, itemIds.length);
      if ("misfit" in fit) throw c.misfit(fit.misfit);
    }
  },
};
