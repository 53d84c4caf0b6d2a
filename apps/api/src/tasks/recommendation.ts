import type { TaskModule } from "./task-module";

export const recommendation: TaskModule = {
  task: "RECOMMENDATION",
  displayName: "Recommendation",
  operation: "recommend",
  playground: "user-items",
  summary: "A user id in, the top-k items for that user out, never an excluded one.",
  assets: [
    { role: "users", label: "User ids (JSON array, row order)", accept: ".json", required: true },
    { role: "items", label: "Item ids (JSON array, column order)", accept: ".json", required: true },
  ],
  preprocessingExample: "",
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
  },
};
