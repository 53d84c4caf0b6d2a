// Teams: members with roles, invitations, switching organisations, removal revoking keys, the
// last-owner rule. Runs on PGlite and PostgreSQL (api-pglite / api-postgres projects).
import crypto from "node:crypto";
import { ALL_SCOPES, MEMBER_ROLES, type MemberRole, ROLE_SCOPES } from "@modelmarket/domain";
import type { GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../src/auth/principal";
import { declaredAccess } from "../src/graphql/access";
import { buildApiSchema } from "../src/schema";
import { changeMemberRole } from "../src/use-cases/members/change-member-role";
import { removeMember } from "../src/use-cases/members/remove-member";
import { errorCode, signUpTenant, startTestApi, type TestApi, type TestTenant } from "./harness";
import { call, codeOf, rootFields } from "./schema-operations";
import { startTestSmtp } from "./test-smtp";

const PASSWORD = "quartz-meadow-signal-93";
const INVITE = `mutation($e: String!, $r: MemberRole!) {
  inviteMember(email: $e, role: $r) { url emailed invitation { id email role status expiresAt } }
}`;
const ACCEPT = `mutation($t: String!, $p: String!) {
  acceptInvitation(token: $t, password: $p) { token user { id email role tenant { id slug } } }
}`;

let api: TestApi;
let schema: GraphQLSchema;
let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
/** Mail the test SMTP server received. */
let inbox: { to: string; raw: string }[] = [];

const tokenOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const freshEmail = (what: string) => `${what}-${crypto.randomBytes(4).toString("hex")}@example.com`;

async function invite(by: TestTenant["client"], email: string, role: MemberRole) {
  const { inviteMember } = await by.request<{
    inviteMember: { url: string; emailed: boolean; invitation: { id: string; status: string; expiresAt: string } };
  }>(INVITE, { e: email, r: role });
  return inviteMember;
}

async function accept(token: string, password = PASSWORD) {
  return api.client.raw<{
    acceptInvitation: { token: string; user: { id: string; email: string; role: string; tenant: { slug: string } } };
  }>(ACCEPT, { t: token, p: password });
}

/** A new person invited into `org` with `role`, signed in there. */
async function addMember(org: TestTenant, role: MemberRole) {
  const email = freshEmail(role.toLowerCase());
  const { url } = await invite(org.client, email, role);
  const { body } = await accept(tokenOf(url));
  const session = body.data?.acceptInvitation;
  if (!session) throw new Error(`accept failed: ${JSON.stringify(body.errors)}`);
  return { email, userId: session.user.id, token: session.token, client: api.client.withToken(session.token) };
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  inbox = smtp.inbox;
  api = await startTestApi({
    SMTP_URL: smtp.url,
    MAIL_FROM: "Modelmarket <invites@example.com>",
    PORTAL_URL: "https://portal.example.com/",
  });
  schema = await buildApiSchema();
}, 60_000);
afterAll(async () => {
  await api?.close();
  await smtp?.close();
});

describe("teams: invitations", () => {
  it("happy: an owner invites an address; the link is shown and mailed; accepting creates the account as a DEVELOPER", async () => {
    const org = await signUpTenant(api, "Acme");
    const email = freshEmail("dev");
    const created = await invite(org.client, email, "DEVELOPER");
    expect(created.url).toMatch(/^https:\/\/portal\.example\.com\/invite\/mmi_[\w-]{40,}$/);
    expect(created.emailed).toBe(true);
    expect(created.invitation.status).toBe("PENDING");
    const mail = inbox.find((m) => m.to === email);
    expect(mail?.raw).toContain(tokenOf(created.url).slice(0, 30));

    // Whoever holds the link sees what it offers before accepting.
    const preview = await api.client.request<{
      invitation: { tenant: { slug: string }; role: string; status: string; accountExists: boolean };
    }>(`query($t: String!) { invitation(token: $t) { tenant { slug } role status accountExists } }`, {
      t: tokenOf(created.url),
    });
    expect(preview.invitation).toEqual({
      tenant: { slug: org.tenantSlug },
      role: "DEVELOPER",
      status: "PENDING",
      accountExists: false,
    });

    const { body } = await accept(tokenOf(created.url));
    expect(body.errors).toBeUndefined();
    expect(body.data?.acceptInvitation.user).toMatchObject({
      email,
      role: "developer",
      tenant: { slug: org.tenantSlug },
    });
    const member = api.client.withToken(body.data?.acceptInvitation.token);
    const me = await member.request<{ me: { scopes: string[]; memberships: { role: string; active: boolean }[] } }>(
      `{ me { scopes memberships { role active } } }`,
    );
    expect(me.me.scopes.sort()).toEqual([...ROLE_SCOPES.DEVELOPER].sort());
    expect(me.me.memberships).toEqual([{ role: "DEVELOPER", active: true }]);

    const members = await org.client.request<{ members: { email: string; role: string }[] }>(
      `{ members { email role } }`,
    );
    expect(members.members).toEqual([
      { email: org.email, role: "OWNER" },
      { email, role: "DEVELOPER" },
    ]);
    // The new account signs in with the password it chose.
    const signedIn = await api.client.request<{ signIn: { user: { tenant: { slug: string } } } }>(
      `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { user { tenant { slug } } } }`,
      { e: email, p: PASSWORD },
    );
    expect(signedIn.signIn.user.tenant.slug).toBe(org.tenantSlug);
  });

  it("error: a used, revoked or expired invitation is refused and says why; an unknown one is NOT_FOUND", async () => {
    const org = await signUpTenant(api, "Strict");
    const used = await invite(org.client, freshEmail("used"), "DEVELOPER");
    expect((await accept(tokenOf(used.url))).body.errors).toBeUndefined();
    const reuse = await accept(tokenOf(used.url));
    expect(errorCode(reuse.body)).toBe("BAD_USER_INPUT");
    expect(reuse.body.errors?.[0]?.message).toMatch(/already been used/);

    const revoked = await invite(org.client, freshEmail("revoked"), "BILLING");
    await org.client.request(`mutation($id: ID!) { revokeInvitation(id: $id) { status } }`, {
      id: revoked.invitation.id,
    });
    const afterRevoke = await accept(tokenOf(revoked.url));
    expect(errorCode(afterRevoke.body)).toBe("BAD_USER_INPUT");
    expect(afterRevoke.body.errors?.[0]?.message).toMatch(/revoked/);

    const expired = await invite(org.client, freshEmail("late"), "DEVELOPER");
    await api.db.prisma.invitation.update({
      where: { id: expired.invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const late = await accept(tokenOf(expired.url));
    expect(errorCode(late.body)).toBe("BAD_USER_INPUT");
    expect(late.body.errors?.[0]?.message).toMatch(/expired/);

    expect(errorCode((await accept(`mmi_${crypto.randomBytes(32).toString("base64url")}`)).body)).toBe("NOT_FOUND");
    // A newer invitation to the same address replaces the pending one.
    const address = freshEmail("twice");
    const first = await invite(org.client, address, "DEVELOPER");
    const second = await invite(org.client, address, "BILLING");
    expect(errorCode((await accept(tokenOf(first.url))).body)).toBe("BAD_USER_INPUT");
    expect((await accept(tokenOf(second.url))).body.data?.acceptInvitation.user.role).toBe("billing");
  });

  it("security: invitations per organisation are rate-limited (mail must not become a spam relay)", async () => {
    const limited = await startTestApi({ INVITATIONS_MAX_PER_TENANT_PER_HOUR: "2" });
    try {
      const org = await signUpTenant(limited, "Spammy");
      for (let i = 0; i < 2; i++) await org.client.request(INVITE, { e: freshEmail(`ok${i}`), r: "DEVELOPER" });
      const { body } = await org.client.raw(INVITE, { e: freshEmail("third"), r: "DEVELOPER" });
      expect(errorCode(body)).toBe("RATE_LIMITED");
      expect(body.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
      // Another organisation is not affected.
      const other = await signUpTenant(limited, "Quiet");
      expect((await other.client.raw(INVITE, { e: freshEmail("fine"), r: "DEVELOPER" })).body.errors).toBeUndefined();
    } finally {
      await limited.close();
    }
  });

  it("security: two acceptances racing for one invitation: exactly one joins", async () => {
    const org = await signUpTenant(api, "Race");
    const { url } = await invite(org.client, freshEmail("race"), "DEVELOPER");
    const results = await Promise.all([accept(tokenOf(url)), accept(tokenOf(url)), accept(tokenOf(url))]);
    expect(results.filter((r) => r.body.data?.acceptInvitation).length).toBe(1);
    for (const r of results.filter((r) => !r.body.data?.acceptInvitation)) {
      expect(["BAD_USER_INPUT"]).toContain(errorCode(r.body));
    }
    const { members } = await org.client.request<{ members: unknown[] }>(`{ members { id } }`);
    expect(members).toHaveLength(2);
  });

  it("happy: an existing account accepts with its own password, keeps both organisations and switches between them", async () => {
    const home = await signUpTenant(api, "Home");
    const other = await signUpTenant(api, "Other");
    const { url } = await invite(other.client, home.email, "BILLING");
    const preview = await api.client.request<{ invitation: { accountExists: boolean } }>(
      `query($t: String!) { invitation(token: $t) { accountExists } }`,
      { t: tokenOf(url) },
    );
    expect(preview.invitation.accountExists).toBe(true);
    // A wrong password is refused and does not use the invitation up.
    const wrong = await accept(tokenOf(url), "not-the-password-at-all");
    expect(errorCode(wrong.body)).toBe("UNAUTHENTICATED");
    const { body } = await accept(tokenOf(url), home.password);
    expect(body.data?.acceptInvitation.user).toMatchObject({ email: home.email, role: "billing" });

    const inOther = api.client.withToken(body.data?.acceptInvitation.token);
    const mine = await inOther.request<{
      me: { memberships: { tenant: { slug: string }; role: string; active: boolean }[] };
    }>(`{ me { memberships { tenant { slug } role active } } }`);
    expect(mine.me.memberships).toEqual([
      { tenant: { slug: home.tenantSlug }, role: "OWNER", active: false },
      { tenant: { slug: other.tenantSlug }, role: "BILLING", active: true },
    ]);
    // Billing in Other: no keys there; owner at home.
    expect(errorCode((await inOther.raw(`{ apiKeys { id } }`)).body)).toBe("FORBIDDEN");
    const switched = await inOther.request<{ switchOrganisation: { token: string; user: { role: string } } }>(
      `mutation($t: String!) { switchOrganisation(tenant: $t) { token user { role } } }`,
      { t: home.tenantSlug },
    );
    expect(switched.switchOrganisation.user.role).toBe("owner");
    const atHome = api.client.withToken(switched.switchOrganisation.token);
    expect((await atHome.raw(`{ apiKeys { id } }`)).body.errors).toBeUndefined();

    // Sign-in picks the organisation last used, or the one named.
    const signIn = (tenant?: string) =>
      api.client.raw<{ signIn: { user: { tenant: { slug: string } } } }>(
        `mutation($e: String!, $p: String!, $t: String) { signIn(email: $e, password: $p, tenant: $t) { user { tenant { slug } } } }`,
        { e: home.email, p: home.password, t: tenant ?? null },
      );
    expect((await signIn()).body.data?.signIn.user.tenant.slug).toBe(home.tenantSlug);
    expect((await signIn(other.tenantSlug)).body.data?.signIn.user.tenant.slug).toBe(other.tenantSlug);
    const stranger = await signUpTenant(api, "Stranger");
    expect(errorCode((await signIn(stranger.tenantSlug)).body)).toBe("NOT_FOUND");
    expect(
      errorCode(
        (
          await atHome.raw(`mutation($t: String!) { switchOrganisation(tenant: $t) { token } }`, {
            t: stranger.tenantSlug,
          })
        ).body,
      ),
    ).toBe("NOT_FOUND");
  });

  it("happy: a signed-in person creates another organisation and owns it", async () => {
    const person = await signUpTenant(api, "Founder");
    const { createOrganisation } = await person.client.request<{
      createOrganisation: { token: string; user: { role: string; tenant: { name: string; slug: string } } };
    }>(`mutation { createOrganisation(name: "Side Project") { token user { role tenant { name slug } } } }`);
    expect(createOrganisation.user).toMatchObject({ role: "owner", tenant: { name: "Side Project" } });
    const me = await api.client
      .withToken(createOrganisation.token)
      .request<{ me: { memberships: { role: string }[] } }>(`{ me { memberships { role } } }`);
    expect(me.me.memberships.map((m) => m.role)).toEqual(["OWNER", "OWNER"]);
  });
});

describe("teams: roles", () => {
  it("security: each role against each scoped operation — allowed, or FORBIDDEN naming the scope (the docs' table)", async () => {
    const org = await signUpTenant(api, "Matrix");
    const clients: Record<MemberRole, TestTenant["client"]> = {
      OWNER: org.client,
      ADMIN: (await addMember(org, "ADMIN")).client,
      DEVELOPER: (await addMember(org, "DEVELOPER")).client,
      BILLING: (await addMember(org, "BILLING")).client,
    };
    const scoped = rootFields(schema).filter((r) => {
      const rule = declaredAccess().get(r.field.name);
      return rule && rule !== "public" && rule !== "signedIn";
    });
    expect(scoped.length).toBeGreaterThan(20);
    let checked = 0;
    for (const role of MEMBER_ROLES) {
      for (const root of scoped) {
        const scope = declaredAccess().get(root.field.name) as (typeof ALL_SCOPES)[number];
        const { body, query } = await call(clients[role], root);
        const refusedForScope = codeOf(body) === "FORBIDDEN" && body.errors?.[0]?.message.includes(`"${scope}"`);
        expect(refusedForScope, `${role}: ${query}`).toBe(!ROLE_SCOPES[role].includes(scope));
        checked++;
      }
    }
    expect(checked).toBe(scoped.length * MEMBER_ROLES.length);
  });

  it("security: a member's key holds at most their role's scopes, and loses them when the role changes", async () => {
    const org = await signUpTenant(api, "Keys");
    const admin = await addMember(org, "ADMIN");
    const dev = await addMember(org, "DEVELOPER");
    const tooMuch = await dev.client.raw(`mutation { createApiKey(name: "x", scopes: ["billing:read"]) { secret } }`);
    expect(errorCode(tooMuch.body)).toBe("FORBIDDEN");

    const { createApiKey } = await admin.client.request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(name: "ops", scopes: ["billing:read", "inference"]) { secret } }`,
    );
    const key = api.client.withToken(createApiKey.secret);
    expect((await key.raw(`{ subscriptions { id } }`)).body.errors).toBeUndefined();
    await org.client.request(`mutation($u: ID!) { changeMemberRole(userId: $u, role: DEVELOPER) { role } }`, {
      u: admin.userId,
    });
    // Capped by the creator's new role at once (the cached key was dropped).
    expect(errorCode((await key.raw(`{ subscriptions { id } }`)).body)).toBe("FORBIDDEN");
    // And the demoted member's own session lost the role's power on its next request.
    expect(errorCode((await admin.client.raw(`{ auditLog { edges { cursor } } }`)).body)).toBe("FORBIDDEN");
  });

  it("error: an admin cannot grant, take away or remove the OWNER role, nor invite an owner; an owner can", async () => {
    const org = await signUpTenant(api, "Hierarchy");
    const admin = await addMember(org, "ADMIN");
    const dev = await addMember(org, "DEVELOPER");
    const forbiddenFor = async (query: string, variables: Record<string, unknown>) => {
      const { body } = await admin.client.raw(query, variables);
      expect(errorCode(body), query).toBe("FORBIDDEN");
      expect(body.errors?.[0]?.message).toMatch(/Only an owner/);
    };
    await forbiddenFor(`mutation($u: ID!) { changeMemberRole(userId: $u, role: OWNER) { role } }`, { u: dev.userId });
    await forbiddenFor(`mutation($u: ID!) { changeMemberRole(userId: $u, role: ADMIN) { role } }`, { u: org.userId });
    await forbiddenFor(`mutation($u: ID!) { removeMember(userId: $u) { email } }`, { u: org.userId });
    await forbiddenFor(`mutation($e: String!) { inviteMember(email: $e, role: OWNER) { url } }`, {
      e: freshEmail("o"),
    });
    // Admins manage everyone else.
    const changed = await admin.client.request<{ changeMemberRole: { role: string } }>(
      `mutation($u: ID!) { changeMemberRole(userId: $u, role: BILLING) { role } }`,
      { u: dev.userId },
    );
    expect(changed.changeMemberRole.role).toBe("BILLING");
    const promoted = await org.client.request<{ changeMemberRole: { role: string } }>(
      `mutation($u: ID!) { changeMemberRole(userId: $u, role: OWNER) { role } }`,
      { u: admin.userId },
    );
    expect(promoted.changeMemberRole.role).toBe("OWNER");
  });

  it("error: the last owner cannot be demoted, removed or leave; with a second owner they can", async () => {
    const org = await signUpTenant(api, "Owners");
    const demote = `mutation($u: ID!) { changeMemberRole(userId: $u, role: ADMIN) { role } }`;
    const last = await org.client.raw(demote, { u: org.userId });
    expect(errorCode(last.body)).toBe("BAD_USER_INPUT");
    expect(last.body.errors?.[0]?.message).toMatch(/at least one owner/);
    expect(errorCode((await org.client.raw(`mutation { leaveOrganisation { email } }`)).body)).toBe("BAD_USER_INPUT");

    const second = await addMember(org, "OWNER");
    // Two owners demoting each other at once: one wins, one owner remains.
    const [a, b] = await Promise.all([
      org.client.raw(demote, { u: second.userId }),
      second.client.raw(demote, { u: org.userId }),
    ]);
    const codes = [errorCode(a.body), errorCode(b.body)];
    const { members } = await org.client
      .raw<{ members: { role: string }[] }>(`{ members { role } }`)
      .then((r) =>
        r.body.data ? r.body.data : second.client.request<{ members: { role: string }[] }>(`{ members { role } }`),
      );
    expect(members.filter((m) => m.role === "OWNER")).toHaveLength(1);
    expect(codes.filter((c) => c === undefined)).toHaveLength(1);
  });

  it("security: an owner demoted a moment ago cannot demote or remove a third owner with the role read before (owners' lock decides)", async () => {
    const org = await signUpTenant(api, "Three Owners");
    const second = await addMember(org, "OWNER");
    const third = await addMember(org, "OWNER");
    // org's request authenticated while still an owner (the race window: authentication, then the lock)...
    const stale = await api.services.authenticator.authenticate(`Bearer ${org.token}`);
    expect(stale?.role).toBe("OWNER");
    // ...and meanwhile the second owner demotes it.
    await second.client.request(`mutation($u: ID!) { changeMemberRole(userId: $u, role: ADMIN) { role } }`, {
      u: org.userId,
    });
    const attempts = [
      () => changeMemberRole(api.services, stale as Principal, third.userId, "ADMIN"),
      () => removeMember(api.services, stale as Principal, third.userId),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ code: "FORBIDDEN" });
    const owners = await api.db.prisma.membership.count({ where: { tenantId: org.tenantId, role: "OWNER" } });
    expect(owners).toBe(2);
  });

  it("security: another organisation's members and invitations are NOT_FOUND, and never listed", async () => {
    const mine = await signUpTenant(api, "Mine");
    const theirs = await signUpTenant(api, "Theirs");
    const theirMember = await addMember(theirs, "DEVELOPER");
    const theirInvite = await invite(theirs.client, freshEmail("pending"), "DEVELOPER");
    const attempts = [
      [`mutation($u: ID!) { removeMember(userId: $u) { email } }`, { u: theirMember.userId }],
      [`mutation($u: ID!) { changeMemberRole(userId: $u, role: OWNER) { role } }`, { u: theirs.userId }],
      [`mutation($id: ID!) { revokeInvitation(id: $id) { id } }`, { id: theirInvite.invitation.id }],
    ] as const;
    for (const [query, variables] of attempts) {
      expect(errorCode((await mine.client.raw(query, variables)).body), query).toBe("NOT_FOUND");
    }
    const listed = await mine.client.request<{ members: { email: string }[]; invitations: unknown[] }>(
      `{ members { email } invitations { id } }`,
    );
    expect(listed.members.map((m) => m.email)).toEqual([mine.email]);
    expect(listed.invitations).toEqual([]);
  });
});

describe("teams: removing a member", () => {
  it("security: removal ends the member's session and revokes the keys they created, at once", async () => {
    const org = await signUpTenant(api, "Leavers");
    const dev = await addMember(org, "DEVELOPER");
    const { createApiKey } = await dev.client.request<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      `mutation { createApiKey(name: "laptop", scopes: ["inference"]) { secret apiKey { id } } }`,
    );
    const key = api.client.withToken(createApiKey.secret);
    expect((await key.raw(`{ me { email } }`)).body.data?.me).toEqual({ email: dev.email });

    const { removeMember } = await org.client.request<{
      removeMember: { revokedKeys: number; reassignedKeys: number };
    }>(`mutation($u: ID!) { removeMember(userId: $u) { revokedKeys reassignedKeys } }`, { u: dev.userId });
    expect(removeMember).toEqual({ revokedKeys: 1, reassignedKeys: 0 });
    expect(errorCode((await key.raw(`{ me { email } }`)).body)).toBe("UNAUTHENTICATED");
    expect(errorCode((await dev.client.raw(`{ members { email } }`)).body)).toBe("UNAUTHENTICATED");
    const { auditLog } = await org.client.request<{ auditLog: { edges: { node: { action: string } }[] } }>(
      `{ auditLog(action: "member.") { edges { node { action } } } }`,
    );
    expect(auditLog.edges.map((e) => e.node.action)).toEqual(
      expect.arrayContaining(["member.removed", "member.joined", "member.invited"]),
    );
  });

  it("happy: an owner hands a leaver's keys to another member; they keep working under the heir", async () => {
    const org = await signUpTenant(api, "Heirs");
    const admin = await addMember(org, "ADMIN");
    const dev = await addMember(org, "DEVELOPER");
    const { createApiKey } = await dev.client.request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(name: "ci", scopes: ["inference"]) { secret } }`,
    );
    const remove = `mutation($u: ID!, $to: ID) { removeMember(userId: $u, reassignKeysTo: $to) { revokedKeys reassignedKeys } }`;
    // Only an owner may reassign.
    expect(errorCode((await admin.client.raw(remove, { u: dev.userId, to: admin.userId })).body)).toBe("FORBIDDEN");
    expect(errorCode((await org.client.raw(remove, { u: dev.userId, to: "usr_nobody" })).body)).toBe("BAD_USER_INPUT");
    const { removeMember } = await org.client.request<{ removeMember: { reassignedKeys: number } }>(remove, {
      u: dev.userId,
      to: admin.userId,
    });
    expect(removeMember.reassignedKeys).toBe(1);
    const key = api.client.withToken(createApiKey.secret);
    expect((await key.raw(`{ me { email } }`)).body.data?.me).toEqual({ email: admin.email });
    // The organisation's key list says who holds each key now.
    // ...and that the one who left may still know the secret: rotate it.
    const { apiKeys } = await org.client.request<{
      apiKeys: { name: string; createdByEmail: string | null; handedOverFromEmail: string | null }[];
    }>(`{ apiKeys { name createdByEmail handedOverFromEmail } }`);
    expect(apiKeys).toEqual([{ name: "ci", createdByEmail: admin.email, handedOverFromEmail: dev.email }]);
  });

  it("security: keys are managed per holder: a developer revokes its own keys, not the owner's or another member's", async () => {
    const org = await signUpTenant(api, "Key Holders");
    const dev = await addMember(org, "DEVELOPER");
    const admin = await addMember(org, "ADMIN");
    const create = `mutation($n: String!) { createApiKey(name: $n, scopes: ["billing:read"]) { apiKey { id } } }`;
    const revoke = `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`;
    type Created = { createApiKey: { apiKey: { id: string } } };
    const ownerKey = (await org.client.request<Created>(create, { n: "billing" })).createApiKey.apiKey.id;
    const devKey = (await dev.client.request<Created>(create.replace("billing:read", "inference"), { n: "dev" }))
      .createApiKey.apiKey.id;
    const refused = await dev.client.raw(revoke, { id: ownerKey });
    expect(errorCode(refused.body)).toBe("FORBIDDEN");
    expect(refused.body.errors?.[0]?.message).toContain(org.email);
    expect((await api.db.prisma.apiKey.findUniqueOrThrow({ where: { id: ownerKey } })).revokedAt).toBeNull();
    // Its own key, yes; an admin (members:write) may revoke anyone's.
    expect((await dev.client.raw(revoke, { id: devKey })).body.errors).toBeUndefined();
    expect((await admin.client.raw(revoke, { id: ownerKey })).body.errors).toBeUndefined();
  });
});
