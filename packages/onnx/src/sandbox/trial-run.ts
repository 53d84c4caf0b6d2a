/** What the sandboxed loader measured when it loaded a model and ran it once. */
export interface TrialRun {
  loadMs: number;
  runMs: number;
  peakRssBytes: number;
  outputs: { name: string; type: string; dims: number[] }[];
}
