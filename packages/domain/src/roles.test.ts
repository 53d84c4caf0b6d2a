import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MEMBER_ROLES, ROLE_SCOPES } from "./roles";
import { ALL_SCOPES } from "./scopes";

const DOC = path.resolve(__dirname, "../../../docs/teams.md");

describe("roles", () => {
  it("happy: docs/teams.md's table is the code's: every scope, every role, the same ticks", () => {
    const rows = fs
      .readFileSync(DOC, "utf8")
      .split("\n")
      .filter((line) => /^\| `[a-z:]+` \|/.test(line))
      .map((line) => line.split("|").map((cell) => cell.trim()));
    const documented = Object.fromEntries(
      rows.map((cells) => [cells[1]?.replaceAll("`", ""), cells.slice(3, 3 + MEMBER_ROLES.length)]),
    );
    expect(Object.keys(documented).sort()).toEqual([...ALL_SCOPES].sort());
    for (const scope of ALL_SCOPES) {
      const ticks = MEMBER_ROLES.map((role) => (ROLE_SCOPES[role].includes(scope) ? "✓" : "—"));
      expect(documented[scope], scope).toEqual(ticks);
    }
  });

  it("security: OWNER and ADMIN hold every scope; no role holds an unknown one", () => {
    expect([...ROLE_SCOPES.OWNER].sort()).toEqual([...ALL_SCOPES].sort());
    expect([...ROLE_SCOPES.ADMIN].sort()).toEqual([...ALL_SCOPES].sort());
    for (const role of MEMBER_ROLES) for (const s of ROLE_SCOPES[role]) expect(ALL_SCOPES).toContain(s);
  });
});
