/**
 * The shipped models' measured figures (their builds' `evaluation`) as structured metrics:
 * what each number is, on which data, in which unit. The seed publishes them with source
 * PLATFORM (Modelmarket measured them itself at build).
 */
export interface ZooMetric {
  name: string;
  value: number;
  unit: string | null;
  dataset: string;
  split: string | null;
  description: string | null;
  higherIsBetter: boolean | null;
}

type Describe = Omit<ZooMetric, "value">;

const UCI = "UCI Sentiment Labelled Sentences (2,979)";
const SOTU = "State of the Union addresses 2010-2021 (12)";
const DESCRIPTIONS: Record<string, Record<string, Describe>> = {
  "sotu-gpt": {
    heldOutPerplexity: m(
      "perplexity",
      null,
      SOTU,
      "held-out",
      "exp of the mean negative log-likelihood per byte token, measured by running the model; lower is better.",
      false,
    ),
    heldOutBitsPerByte: m("bits per byte", "bits", SOTU, "held-out", "Cross-entropy per byte token.", false),
    heldOutTokens: m("tokens evaluated", "count", SOTU, "held-out", "Byte tokens predicted in the evaluation.", null),
  },
  sentiment: {
    kFoldAccuracy: m("accuracy", "fraction", UCI, "5-fold cross-validation", "Share of sentences labelled right."),
    kFoldF1: m("F1", "fraction", UCI, "5-fold cross-validation", "Harmonic mean of precision and recall."),
    crossDomainAccuracy_amazon: m(
      "accuracy on Amazon",
      "fraction",
      "UCI sentences: Amazon reviews",
      "held-out domain",
      "Trained on the other two sources only.",
    ),
    crossDomainAccuracy_imdb: m(
      "accuracy on IMDb",
      "fraction",
      "UCI sentences: IMDb reviews",
      "held-out domain",
      "Trained on the other two sources only.",
    ),
    crossDomainAccuracy_yelp: m(
      "accuracy on Yelp",
      "fraction",
      "UCI sentences: Yelp reviews",
      "held-out domain",
      "Trained on the other two sources only.",
    ),
    sentences: m("sentences", "count", UCI, null, "Unique sentences evaluated.", null),
  },
  "sentence-encoder": {
    tripletAccuracy: m(
      "paraphrase triplet accuracy",
      "fraction",
      "paraphrase triplets (16)",
      "test",
      "A paraphrase is closer than a topical non-paraphrase.",
    ),
    meanCosineMargin: m(
      "mean cosine margin",
      null,
      "paraphrase triplets (16)",
      "test",
      "Average cosine gap between the paraphrase and the distractor.",
    ),
  },
  "math-symbols": {
    sanityTop1: m("top-1 accuracy", "fraction", "72 sketched symbols", "test", "The right symbol is the first answer."),
    sanityTop5: m(
      "top-5 accuracy",
      "fraction",
      "72 sketched symbols",
      "test",
      "The right symbol is among the first five.",
    ),
  },
  "object-detector": {
    catFramesTop1: m(
      "cat found (top-1)",
      "fraction",
      "Muybridge's 24 cat frames",
      "test",
      "Frames whose best detection is a cat.",
    ),
    sanityPhotosFound: m(
      "objects found",
      "fraction",
      "3 public-domain photos",
      "test",
      "Photos whose main object is detected (boats yes; cat, biplane no).",
    ),
  },
  "face-detector": {
    peoplePhotosWithFace: m(
      "photos of people with a face found",
      "fraction",
      "8 photos of people (@vladmandic/human samples)",
      "test",
      "Share of the photos where at least one face is found at score 0.5.",
    ),
    trioPhotoFaces: m(
      "faces found in a photo of three people",
      "count",
      "@vladmandic/human samples: three people facing the camera",
      "test",
      "3 is right.",
      null,
    ),
    falseFacesWithoutPeople: m(
      "faces found where there are none",
      "count",
      "27 public-domain photos without people (boats, biplane, 25 cat pictures)",
      "test",
      "Each one a false detection; 0 is right.",
      false,
    ),
  },
  "selfie-segmenter": {
    peoplePhotosSegmented: m(
      "photos of people segmented",
      "fraction",
      "8 photos of people (@vladmandic/human samples)",
      "test",
      "Share of the photos where at least 5% of the pixels are called person.",
    ),
    personShareWithPeople: m(
      "person pixels, photos of people",
      "fraction",
      "8 photos of people (@vladmandic/human samples)",
      "test",
      "Mean share of pixels called person (no reference masks exist for these photos).",
      null,
    ),
    personShareWithoutPeople: m(
      "person pixels, photos without people",
      "fraction",
      "27 public-domain photos without people (boats, biplane, 25 cat pictures)",
      "test",
      "Mean share of pixels wrongly called person; 0 is right.",
      false,
    ),
  },
  "food-recommender": {
    rmse: m(
      "RMSE",
      null,
      "FiveThirtyEight food-frequency survey",
      "held-out ratings",
      "Error of predicted eating frequencies (1–6 scale).",
      false,
    ),
    rmseItemMean: m(
      "RMSE of the item-mean baseline",
      null,
      "FiveThirtyEight food-frequency survey",
      "held-out ratings",
      "Predicting each food's average.",
      false,
    ),
    rmseGlobalMean: m(
      "RMSE of the global-mean baseline",
      null,
      "FiveThirtyEight food-frequency survey",
      "held-out ratings",
      "Predicting the overall average.",
      false,
    ),
    syntheticRecallAt10: m(
      "recall@10",
      "fraction",
      "synthetic users with planted tastes",
      "test",
      "Planted favourites found in the top 10.",
    ),
  },
};

/** The headline figure of each shipped model (what catalog cards show). */
const HEADLINE: Record<string, string> = {
  sentiment: "accuracy",
  "sentence-encoder": "paraphrase triplet accuracy",
  "math-symbols": "top-1 accuracy",
  "object-detector": "cat found (top-1)",
  "face-detector": "photos of people with a face found",
  "selfie-segmenter": "photos of people segmented",
  "food-recommender": "RMSE",
  "sotu-gpt": "perplexity",
};

function m(
  name: string,
  unit: string | null,
  dataset: string,
  split: string | null,
  description: string | null,
  higherIsBetter: boolean | null = true,
): Describe {
  return { name, unit, dataset, split, description, higherIsBetter };
}

/** A shipped model's figures as metrics (keys without a description are left out) and its headline. */
export function zooMetrics(
  model: string,
  evaluation: Record<string, number> | undefined,
): { metrics: ZooMetric[]; headline: string | null } {
  const described = DESCRIPTIONS[model] ?? {};
  const metrics = Object.entries(evaluation ?? {}).flatMap(([key, value]) => {
    const d = described[key];
    return d ? [{ ...d, value }] : [];
  });
  const headline = HEADLINE[model];
  return { metrics, headline: headline && metrics.some((x) => x.name === headline) ? headline : null };
}
