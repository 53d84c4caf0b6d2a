import { seededRandom } from "../seeded-random";
import type { Stroke } from "./draw-strokes";

const arc = (cx: number, cy: number, r: number, from: number, to: number, steps = 16): Stroke =>
  Array.from({ length: steps + 1 }, (_, i) => {
    const a = from + ((to - from) * i) / steps;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)] as [number, number];
  });
const PI = Math.PI;

/**
 * Hand-drawn-like sketches of symbols with unambiguous shapes, as a person would draw them
 * stroke by stroke (y grows downwards). Expected label: the symbol's character.
 */
export const SANITY_SKETCHES: { char: string; strokes: Stroke[] }[] = [
  {
    char: "×",
    strokes: [
      [
        [0, 0],
        [10, 10],
      ],
      [
        [10, 0],
        [0, 10],
      ],
    ],
  },
  {
    char: "→",
    strokes: [
      [
        [0, 5],
        [10, 5],
      ],
      [
        [7, 2],
        [10, 5],
        [7, 8],
      ],
    ],
  },
  {
    char: "←",
    strokes: [
      [
        [10, 5],
        [0, 5],
      ],
      [
        [3, 2],
        [0, 5],
        [3, 8],
      ],
    ],
  },
  {
    char: "↑",
    strokes: [
      [
        [5, 10],
        [5, 0],
      ],
      [
        [2, 3],
        [5, 0],
        [8, 3],
      ],
    ],
  },
  {
    char: "↓",
    strokes: [
      [
        [5, 0],
        [5, 10],
      ],
      [
        [2, 7],
        [5, 10],
        [8, 7],
      ],
    ],
  },
  {
    char: "∧",
    strokes: [
      [
        [0, 10],
        [5, 0],
        [10, 10],
      ],
    ],
  },
  {
    char: "∨",
    strokes: [
      [
        [0, 0],
        [5, 10],
        [10, 0],
      ],
    ],
  },
  {
    char: "⊥",
    strokes: [
      [
        [5, 0],
        [5, 10],
      ],
      [
        [0, 10],
        [10, 10],
      ],
    ],
  },
  {
    char: "∥",
    strokes: [
      [
        [3, 0],
        [3, 10],
      ],
      [
        [7, 0],
        [7, 10],
      ],
    ],
  },
  {
    char: "∠",
    strokes: [
      [
        [10, 0],
        [0, 10],
        [10, 10],
      ],
    ],
  },
  { char: "∩", strokes: [[[0, 10], ...arc(5, 5, 5, PI, 2 * PI), [10, 10]]] },
  { char: "∪", strokes: [[[0, 0], ...arc(5, 5, 5, PI, 0), [10, 0]]] },
  { char: "⊂", strokes: [[[10, 0], ...arc(5, 5, 5, -PI / 2, -1.5 * PI), [10, 10]]] },
  { char: "⊃", strokes: [[[0, 0], ...arc(5, 5, 5, -PI / 2, PI / 2), [0, 10]]] },
  {
    char: "±",
    strokes: [
      [
        [5, 0],
        [5, 6],
      ],
      [
        [2, 3],
        [8, 3],
      ],
      [
        [2, 9],
        [8, 9],
      ],
    ],
  },
  {
    char: "Δ",
    strokes: [
      [
        [5, 0],
        [0, 10],
        [10, 10],
        [5, 0],
      ],
    ],
  },
  {
    char: "∀",
    strokes: [
      [
        [0, 0],
        [5, 10],
        [10, 0],
      ],
      [
        [2, 4],
        [8, 4],
      ],
    ],
  },
  {
    char: "∃",
    strokes: [
      [
        [0, 0],
        [8, 0],
        [8, 10],
        [0, 10],
      ],
      [
        [2, 5],
        [8, 5],
      ],
    ],
  },
  {
    char: "¬",
    strokes: [
      [
        [0, 3],
        [10, 3],
        [10, 7],
      ],
    ],
  },
  {
    char: "≤",
    strokes: [
      [
        [10, 0],
        [0, 4],
        [10, 8],
      ],
      [
        [0, 10],
        [10, 10],
      ],
    ],
  },
  {
    char: "≥",
    strokes: [
      [
        [0, 0],
        [10, 4],
        [0, 8],
      ],
      [
        [0, 10],
        [10, 10],
      ],
    ],
  },
  {
    char: "∅",
    strokes: [
      arc(5, 5, 4, 0, 2 * PI, 24),
      [
        [1, 10],
        [9, 0],
      ],
    ],
  },
  {
    char: "∈",
    strokes: [
      [[10, 0], ...arc(5, 5, 5, -PI / 2, -1.5 * PI), [10, 10]],
      [
        [0, 5],
        [9, 5],
      ],
    ],
  },
  {
    char: "÷",
    strokes: [
      [
        [0, 5],
        [10, 5],
      ],
      [
        [5, 1],
        [5, 1.3],
      ],
      [
        [5, 8.7],
        [5, 9],
      ],
    ],
  },
];

/** Each sketch drawn `variants` times with seeded jitter, as different hands would draw it. */
export function jittered(variants: number, seed = 3): { char: string; strokes: Stroke[] }[] {
  const random = seededRandom(seed);
  return SANITY_SKETCHES.flatMap(({ char, strokes }) =>
    Array.from({ length: variants }, (_, v) => ({
      char,
      strokes:
        v === 0
          ? strokes
          : strokes.map((s) =>
              s.map(([x, y]) => [x + (random() - 0.5) * 0.8, y + (random() - 0.5) * 0.8] as [number, number]),
            ),
    })),
  );
}
