import fs from "node:fs";
import path from "node:path";
import { packageDir } from "../package-dir";

export const SENTIMENT_SOURCES = ["amazon", "imdb", "yelp"] as const;
export type SentimentSource = (typeof SENTIMENT_SOURCES)[number];

export interface LabelledSentence {
  text: string;
  /** 1 positive, 0 negative. */
  label: number;
  source: SentimentSource;
}

/**
 * The UCI "Sentiment Labelled Sentences" data set (Kotzias et al., 2015): 1,000 reviews from
 * each of Amazon, IMDb and Yelp, half positive, as shipped in `sentiment@5.0.2`'s fixtures.
 * Blank texts and exact duplicates (which would leak across folds) are dropped.
 */
export function loadSentimentSentences(): LabelledSentence[] {
  const dir = path.join(packageDir("sentiment"), "test", "fixtures");
  const seen = new Set<string>();
  const out: LabelledSentence[] = [];
  for (const source of SENTIMENT_SOURCES) {
    const rows = JSON.parse(fs.readFileSync(path.join(dir, `${source}.json`), "utf8")) as {
      text: string;
      class: number;
    }[];
    for (const row of rows) {
      const text = row.text.trim();
      const key = text.toLowerCase();
      if (!text || seen.has(key) || (row.class !== 0 && row.class !== 1)) continue;
      seen.add(key);
      out.push({ text, label: row.class, source });
    }
  }
  return out;
}

export function sentimentDataFiles(): string[] {
  const dir = path.join(packageDir("sentiment"), "test", "fixtures");
  return SENTIMENT_SOURCES.map((s) => path.join(dir, `${s}.json`));
}
