/** Response of POST /graphql as sent on the wire. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [k: string]: unknown } }[];
  extensions?: { requestId?: string; [k: string]: unknown };
}

export class GraphQLRequestError extends Error {
  constructor(
    readonly response: GraphQLResponse,
    readonly status: number,
  ) {
    super(response.errors?.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; ") ?? `HTTP ${status}`);
  }

  get code(): string | undefined {
    return this.response.errors?.[0]?.extensions?.code;
  }
}

/**
 * Minimal client for the Modelmarket API over HTTP: GraphQL operations and the raw artifact
 * upload. Knows only the public contract, like any outside client.
 */
export class ModelmarketClient {
  constructor(
    readonly baseUrl: string,
    private token?: string,
  ) {}

  withToken(token: string | undefined): ModelmarketClient {
    return new ModelmarketClient(this.baseUrl, token);
  }

  /** Sends an operation and returns the whole response, errors included. */
  async raw<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: GraphQLResponse<T>; headers: Headers }> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GraphQLResponse<T>, headers: res.headers };
  }

  /** Sends an operation and returns its data, or throws GraphQLRequestError. */
  async request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const { status, body } = await this.raw<T>(query, variables);
    if (body.errors?.length || !body.data) throw new GraphQLRequestError(body as GraphQLResponse, status);
    return body.data;
  }

  /** POST /v1/artifacts with the file as the raw body. */
  async uploadArtifact(
    body: Uint8Array | ReadableStream<Uint8Array>,
    options: { kind?: "model" | "asset"; fileName?: string } = {},
  ): Promise<{
    status: number;
    body: Record<string, unknown> & { id?: string; error?: { code: string; message: string } };
  }> {
    const params = new URLSearchParams({ kind: options.kind ?? "model" });
    if (options.fileName) params.set("filename", options.fileName);
    const res = await fetch(`${this.baseUrl}/v1/artifacts?${params}`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body,
      // Required by Node's fetch for streamed bodies.
      duplex: "half",
    } as RequestInit);
    return { status: res.status, body: (await res.json()) as never };
  }
}
