import type { TextTokenizer } from "@modelmarket/tokenizers";
import { LRUCache } from "lru-cache";

/**
 * Parsed assets and built tokenizers of the versions this instance serves. Assets are
 * content-addressed and immutable, so an entry never goes stale; bounded so that a catalog of
 * many models keeps the ones in use. One per API instance (a service on AppServices).
 */
export class TaskAssetCache {
  /** JSON assets (labels, id maps, preprocessing), by kind and sha256. */
  readonly parsed = new LRUCache<string, { value: unknown }>({ max: 256 });
  /** One tokenizer per vocabulary and settings. */
  readonly tokenizers = new LRUCache<string, TextTokenizer>({ max: 32 });
  /** Generative models' tokenizers and settings, by their assets' hashes. */
  readonly generation = new LRUCache<string, object>({ max: 32 });
  /** Preprocessing declarations parsed with defaults, by schema and asset hash (readPreprocessing). */
  readonly preprocessing = new LRUCache<string, { value: unknown }>({ max: 256 });
  private readonly schemaIds = new WeakMap<object, number>();

  /** A number per preprocessing schema: its part of a `preprocessing` key. */
  schemaId(schema: object): number {
    let id = this.schemaIds.get(schema);
    if (id === undefined) {
      id = this.nextSchemaId++;
      this.schemaIds.set(schema, id);
    }
    return id;
  }
  private nextSchemaId = 1;
}
