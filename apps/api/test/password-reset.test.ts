import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode, signUpTenant, startTestApi, type TestApi } from "./harness";
import { startTestSmtp } from "./test-smtp";

let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
let api: TestApi;

const REQUEST = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
const RESET = `mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) }`;
const SIGN_IN = `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`;

beforeAll(async () => {
  smtp = await startTestSmtp();
  api = await startTestApi({ SMTP_URL: smtp.url, PORTAL_URL: "https://portal.example.com" });
}, 60_000);
afterAll(async () => {
  await api?.close();
  await smtp?.close();
});

const linkIn = (raw: string) =>
  /https:\/\/portal\.example\.com\/reset-password\/(mmr_[A-Za-z0-9_=-]+)/.exec(raw.replace(/=\r?\n/g, ""))?.[1];

describe("password reset", () => {
  it("happy: a mailed link sets a new password once; the old password and every earlier session stop working", async () => {
    const owner = await signUpTenant(api, "Forgetful");
    expect(
      (await api.client.request<{ requestPasswordReset: boolean }>(REQUEST, { e: owner.email })).requestPasswordReset,
    ).toBe(true);
    const mail = smtp.inbox.find((m) => m.to === owner.email);
    const token = linkIn(mail?.raw ?? "");
    expect(token).toBeDefined();
    const done = await api.client.request<{ resetPassword: string }>(RESET, { t: token, p: "fresh-granite-orbit-91" });
    expect(done.resetPassword).toBe(owner.email);
    expect(errorCode((await owner.client.raw(`{ me { id } }`)).body)).toBe("UNAUTHENTICATED");
    expect(errorCode((await api.client.raw(SIGN_IN, { e: owner.email, p: owner.password })).body)).toBe(
      "UNAUTHENTICATED",
    );
    const fresh = await api.client.request<{ signIn: { token: string } }>(SIGN_IN, {
      e: owner.email,
      p: "fresh-granite-orbit-91",
    });
    expect((await api.client.withToken(fresh.signIn.token).raw(`{ me { id } }`)).body.errors).toBeUndefined();
    // Once only.
    const again = await api.client.raw(RESET, { t: token, p: "another-granite-orbit-92" });
    expect(errorCode(again.body)).toBe("BAD_USER_INPUT");
    const log = await api.db.prisma.auditLog.count({
      where: { tenantId: owner.tenantId, action: "user.password_reset" },
    });
    expect(log).toBe(1);
  });

  it("security: an unknown address gets the same answer and no mail; a mistyped token and a weak password are refused", async () => {
    const before = smtp.inbox.length;
    const unknown = await api.client.request<{ requestPasswordReset: boolean }>(REQUEST, { e: "nobody@example.com" });
    expect(unknown.requestPasswordReset).toBe(true);
    expect(smtp.inbox.length).toBe(before);
    expect(errorCode((await api.client.raw(RESET, { t: "mmr_not_a_token", p: "fresh-granite-orbit-91" })).body)).toBe(
      "BAD_USER_INPUT",
    );
    const owner = await signUpTenant(api, "Weak");
    await api.client.request(REQUEST, { e: owner.email });
    const token = linkIn(smtp.inbox.find((m) => m.to === owner.email)?.raw ?? "");
    const weak = await api.client.raw(RESET, { t: token, p: "short" });
    expect(errorCode(weak.body)).toBe("BAD_USER_INPUT");
    // Only the hash is stored.
    const stored = await api.db.prisma.passwordReset.findMany({ where: { user: { email: owner.email } } });
    expect(stored.map((r) => r.tokenHash)).not.toContain(token);
  });

  it("security: an address gets at most 3 reset mails an hour, however often it is asked for (answers stay the same)", async () => {
    const owner = await signUpTenant(api, "Flooded");
    for (let i = 0; i < 6; i++) await api.client.request(REQUEST, { e: owner.email });
    expect(smtp.inbox.filter((m) => m.to === owner.email)).toHaveLength(3);
  });
});
