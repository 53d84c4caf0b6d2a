import { describe, expect, it } from "vitest";
import { compareSemver, isSemver } from "./semver";

describe("semver", () => {
  it("happy: orders versions numerically, a pre-release below its release", () => {
    const sorted = ["1.10.0", "1.2.0", "1.2.0-rc.1", "0.9.9", "2.0.0", "1.2.0-beta", "1.2.0-rc.10"].sort(compareSemver);
    expect(sorted).toEqual(["0.9.9", "1.2.0-beta", "1.2.0-rc.1", "1.2.0-rc.10", "1.2.0", "1.10.0", "2.0.0"]);
  });

  it("error: only MAJOR.MINOR.PATCH[-pre] is a version", () => {
    for (const v of ["1.0", "v1.0.0", "01.0.0", "1.0.0.0", "", "1.0.0-"]) expect(isSemver(v), v).toBe(false);
    for (const v of ["0.0.1", "1.0.0", "10.20.30-alpha.1"]) expect(isSemver(v), v).toBe(true);
  });
});
