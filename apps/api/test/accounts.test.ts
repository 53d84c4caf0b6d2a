import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode, signUpTenant, startTestApi, type TestApi } from "./harness";

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id email role tenant { id slug name } } } }`;
const SIGN_IN = `mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { token user { email } } }`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ SIGNIN_MAX_FAILURES_PER_ACCOUNT: "3" });
});
afterAll(() => api?.close());

describe("signUp", () => {
  it("happy: creates a tenant and its owner and returns a working session", async () => {
    const email = `Alice.${Date.now()}@Example.com`;
    const { body } = await api.client.raw<{ signUp: { token: string; user: Record<string, unknown> } }>(SIGN_UP, {
      input: { email, password: "violet-anchor-drizzle-88", tenantName: "Acme Labs" },
    });
    expect(body.errors).toBeUndefined();
    const user = body.data?.signUp.user as { email: string; role: string; tenant: { slug: string; id: string } };
    expect(user.email).toBe(email.toLowerCase());
    expect(user.role).toBe("owner");
    expect(user.tenant.slug).toMatch(/^acme-labs/);
    expect(user.tenant.id).toMatch(/^tnt_/);
    const me = await api.client
      .withToken(body.data?.signUp.token)
      .request<{ me: { email: string } }>(`{ me { email } }`);
    expect(me.me.email).toBe(email.toLowerCase());
  });

  it("happy: the password is stored only as an argon2id hash, and the sign-up is audited", async () => {
    const tenant = await signUpTenant(api);
    const row = await api.db.prisma.user.findUniqueOrThrow({ where: { id: tenant.userId } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(tenant.password);
    const audit = await api.db.prisma.auditLog.findMany({ where: { tenantId: tenant.tenantId } });
    expect(audit.map((a) => a.action)).toEqual(["tenant.created"]);
  });

  it("error: a second sign-up with the same email (any case) is BAD_USER_INPUT", async () => {
    const tenant = await signUpTenant(api);
    const { body } = await api.client.raw(SIGN_UP, {
      input: { email: tenant.email.toUpperCase(), password: "violet-anchor-drizzle-88", tenantName: "Again" },
    });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    expect(body.errors?.[0]?.message).toMatch(/already exists/);
  });

  it("error: weak, short and email-derived passwords are refused with the field named", async () => {
    for (const password of ["password123", "short", "qwertyuiop", "zoe.walker.99zoe"]) {
      const { body } = await api.client.raw(SIGN_UP, {
        input: { email: `zoe.walker.99@example.com`, password, tenantName: "Zoe Co" },
      });
      expect(errorCode(body), password).toBe("BAD_USER_INPUT");
      expect(body.errors?.[0]?.extensions?.field, password).toBe("password");
    }
  });

  it("error: an invalid email and a too-short tenant name are reported per field without echoing input", async () => {
    const { body } = await api.client.raw(SIGN_UP, {
      input: { email: "not-an-email", password: "secret-never-echoed-123", tenantName: "A" },
    });
    expect(errorCode(body)).toBe("BAD_USER_INPUT");
    const fields = ((body.errors?.[0]?.extensions?.fields ?? []) as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(["email", "tenantName"]);
    expect(JSON.stringify(body)).not.toContain("secret-never-echoed-123");
  });
});

describe("sign-up probing", () => {
  it("security: sign-up says an email is taken (a deliberate choice, docs/security.md) but probes are limited per address", async () => {
    const limited = await startTestApi({ SIGNUP_MAX_PER_IP_PER_HOUR: "3" });
    try {
      const tenant = await signUpTenant(limited);
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 3; i++) {
        const { body } = await limited.client.raw(SIGN_UP, {
          input: { email: tenant.email, password: "probe-password-123", tenantName: `Probe ${i}` },
        });
        codes.push(errorCode(body));
      }
      // The harness's own sign-up used one of the three.
      expect(codes).toEqual(["BAD_USER_INPUT", "BAD_USER_INPUT", "RATE_LIMITED"]);
    } finally {
      await limited.close();
    }
  });
});

describe("signIn", () => {
  it("happy: returns a session token for the right password", async () => {
    const tenant = await signUpTenant(api);
    const data = await api.client.request<{ signIn: { token: string; user: { email: string } } }>(SIGN_IN, {
      email: tenant.email,
      password: tenant.password,
    });
    expect(data.signIn.user.email).toBe(tenant.email);
    expect(data.signIn.token.split(".")).toHaveLength(3);
  });

  it("security: a wrong email and a wrong password get the same answer", async () => {
    const tenant = await signUpTenant(api);
    const wrongPassword = await api.client.raw(SIGN_IN, { email: tenant.email, password: "not-the-password-1" });
    const wrongEmail = await api.client.raw(SIGN_IN, { email: `nobody-${tenant.email}`, password: tenant.password });
    expect(errorCode(wrongPassword.body)).toBe("UNAUTHENTICATED");
    expect(wrongEmail.body.errors?.[0]?.message).toBe(wrongPassword.body.errors?.[0]?.message);
    expect(errorCode(wrongEmail.body)).toBe(errorCode(wrongPassword.body));
  });

  it("security: repeated failures on one account are RATE_LIMITED with a retry hint, even with the right password", async () => {
    const tenant = await signUpTenant(api);
    for (let i = 0; i < 3; i++) {
      const { body } = await api.client.raw(SIGN_IN, { email: tenant.email, password: `wrong-password-${i}` });
      expect(errorCode(body)).toBe("UNAUTHENTICATED");
    }
    const { body } = await api.client.raw(SIGN_IN, { email: tenant.email, password: tenant.password });
    expect(errorCode(body)).toBe("RATE_LIMITED");
    expect(body.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
  });

  it("security: one visitor's failures lock only that visitor out of the account; the owner elsewhere signs in", async () => {
    const tenant = await signUpTenant(api);
    // Through the portal: it proves itself with the proxy secret and forwards its visitor's address.
    const viaPortal = (address: string) => ({
      "x-proxy-secret": api.services.env.proxySecret,
      "x-forwarded-for": address,
    });
    for (let i = 0; i < 3; i++) {
      const { body } = await api.client.raw(
        SIGN_IN,
        { email: tenant.email, password: `wrong-${i}-password` },
        viaPortal("203.0.113.7"),
      );
      expect(errorCode(body)).toBe("UNAUTHENTICATED");
    }
    const attacker = await api.client.raw(
      SIGN_IN,
      { email: tenant.email, password: tenant.password },
      viaPortal("203.0.113.7"),
    );
    expect(errorCode(attacker.body)).toBe("RATE_LIMITED");
    const owner = await api.client.raw(
      SIGN_IN,
      { email: tenant.email, password: tenant.password },
      viaPortal("198.51.100.4"),
    );
    expect(owner.body.errors).toBeUndefined();
  });

  it("security: X-Forwarded-For without the proxy secret is ignored: a local client cannot pick another's bucket", async () => {
    const limited = await startTestApi({ SIGNIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: "2" });
    try {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 3; i++) {
        const { body } = await limited.client.raw(
          SIGN_IN,
          { email: `s${i}@example.com`, password: "whatever-123456" },
          { "x-forwarded-for": `192.0.2.${i}`, "x-proxy-secret": "not-the-secret" },
        );
        codes.push(errorCode(body));
      }
      expect(codes).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]);
    } finally {
      await limited.close();
    }
  });

  it("security: sign-in attempts per client address are limited", async () => {
    const limited = await startTestApi({ SIGNIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: "2" });
    try {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 3; i++) {
        const { body } = await limited.client.raw(SIGN_IN, { email: `x${i}@example.com`, password: "whatever-123456" });
        codes.push(errorCode(body));
      }
      expect(codes).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]);
    } finally {
      await limited.close();
    }
  });
});

describe("session tokens", () => {
  it("security: a forged, expired or garbage token is UNAUTHENTICATED, even on public queries", async () => {
    const tenant = await signUpTenant(api);
    const forged = await new SignJWT({ tid: tenant.tenantId })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(tenant.userId)
      .setIssuer("modelmarket")
      .setAudience("modelmarket-api")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("x".repeat(48)));
    const expired = await new SignJWT({ tid: tenant.tenantId })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(tenant.userId)
      .setIssuer("modelmarket")
      .setAudience("modelmarket-api")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(api.services.env.sessionSecret);
    for (const token of [forged, expired, "garbage"]) {
      const { status, body } = await api.client.withToken(token).raw(`{ models { totalCount } }`);
      expect(errorCode(body), token).toBe("UNAUTHENTICATED");
      expect(status).toBe(401);
    }
  });

  it("security: a malformed Authorization header is UNAUTHENTICATED", async () => {
    const { body } = await api.client.raw(`{ me { id } }`, undefined, { authorization: "Basic abc" });
    expect(errorCode(body)).toBe("UNAUTHENTICATED");
  });

  it("happy: without credentials `me` is null and the catalog is readable", async () => {
    const data = await api.client.request<{ me: null; models: { totalCount: number } }>(
      `{ me { id } models { totalCount } }`,
    );
    expect(data.me).toBeNull();
    // Exactly the public, published models, counted in the database.
    const listed = await api.services.db.model.count({ where: { visibility: "PUBLIC", unpublishedAt: null } });
    expect(data.models.totalCount).toBe(listed);
  });
});
