import { ERROR_CODES as SERVER_CODES } from "@modelmarket/domain";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "./errors";

describe("sdk error codes", () => {
  it("happy: the SDK's typed error codes are the server's closed list", () => {
    expect([...ERROR_CODES]).toEqual([...SERVER_CODES]);
  });
});
