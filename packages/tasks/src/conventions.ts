import type { TaskAsset } from "./task-descriptor";

/** What every text task asks for: a tokenizer, or a vocabulary to build one from. */
export const TEXT_ASSETS: TaskAsset[] = [
  {
    role: "tokenizer",
    label: "tokenizer.json (Hugging Face; or a vocabulary below)",
    accept: ".json",
    required: false,
  },
  { role: "tokenizer_config", label: "tokenizer_config.json (optional)", accept: ".json", required: false },
  {
    role: "vocab",
    label: "Vocabulary (vocab.txt or SentencePiece JSON; without tokenizer.json)",
    accept: ".txt,.json",
    required: false,
  },
];

export const LABELS_ASSET: TaskAsset = {
  role: "labels",
  label: "Labels (JSON array, one per class)",
  accept: ".json",
  required: true,
};

export const TEXT_PREPROCESSING_EXAMPLE = '{ "tokenizer": "wordpiece", "maxLength": 128, "lowercase": true }';

export const IMAGE_PREPROCESSING_EXAMPLE =
  '{ "resize": "stretch", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225] }';
