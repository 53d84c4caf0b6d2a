import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
import { type ErrorCode, isErrorCode, RETRYABLE_CODES } from "./errors";

/** Response of POST /graphql as sent on the wire. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [k: string]: unknown } }[];
  extensions?: { requestId?: string; notices?: string[]; [k: string]: unknown };
}

/** A generated operation (src/generated/graphql.ts) or a plain query string. */
export type Operation<TData, TVariables> =
  | (DocumentTypeDecoration<TData, TVariables> & { toString(): string })
  | string;

export interface RequestOptions {
  /** Makes a retried inference call answer with the first call's result and request id (billed once). */
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

/** The API refused an operation: the first error's code, message and details, typed. */
export class GraphQLRequestError extends Error {
  constructor(
    readonly response: GraphQLResponse,
    readonly status: number,
  ) {
    super(response.errors?.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; ") ?? `HTTP ${status}`);
    this.name = "GraphQLRequestError";
  }

  /** One of the contract's codes (undefined only for a response that is not the API's). */
  get code(): ErrorCode | undefined {
    const code = this.response.errors?.[0]?.extensions?.code;
    return isErrorCode(code) ? code : undefined;
  }

  /** The request id of the refused call (quote it to support). */
  get requestId(): string | undefined {
    return this.response.extensions?.requestId;
  }

  /** For RATE_LIMITED and "warming up" UNAVAILABLE: how long to wait before retrying. */
  get retryAfterMs(): number | undefined {
    const value = this.response.errors?.[0]?.extensions?.retryAfterMs;
    return typeof value === "number" ? value : undefined;
  }

  /** For BAD_USER_INPUT: the argument or input field at fault. */
  get field(): string | undefined {
    const value = this.response.errors?.[0]?.extensions?.field;
    return typeof value === "string" ? value : undefined;
  }

  get retryable(): boolean {
    return this.code !== undefined && RETRYABLE_CODES.has(this.code);
  }
}

/**
 * The Modelmarket API over HTTP: GraphQL operations (typed when given a generated document) and
 * the raw artifact upload. Knows only the public contract, like any outside client.
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
  async raw<TData = Record<string, unknown>, TVariables = Record<string, unknown>>(
    operation: Operation<TData, TVariables>,
    variables?: TVariables,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: GraphQLResponse<TData>; headers: Headers }> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query: operation.toString(), variables }),
    });
    return { status: res.status, body: (await res.json()) as GraphQLResponse<TData>, headers: res.headers };
  }

  /** Sends an operation and returns its data, or throws GraphQLRequestError. */
  async request<TData = Record<string, unknown>, TVariables = Record<string, unknown>>(
    operation: Operation<TData, TVariables>,
    variables?: TVariables,
    options: RequestOptions = {},
  ): Promise<TData> {
    const headers = {
      ...options.headers,
      ...(options.idempotencyKey ? { "idempotency-key": options.idempotencyKey } : {}),
    };
    const { status, body } = await this.raw<TData, TVariables>(operation, variables, headers);
    if (body.errors?.length || !body.data) throw new GraphQLRequestError(body as GraphQLResponse, status);
    return body.data;
  }

  /**
   * request() with retries of the retryable codes (RATE_LIMITED, UNAVAILABLE, INFERENCE_TIMEOUT),
   * waiting retryAfterMs when the API gives it, and one Idempotency-Key for every attempt so
   * that a call the API did run is neither run nor billed twice.
   */
  async requestWithRetries<TData, TVariables>(
    operation: Operation<TData, TVariables>,
    variables?: TVariables,
    options: RequestOptions & { attempts?: number } = {},
  ): Promise<TData> {
    const idempotencyKey = options.idempotencyKey ?? globalThis.crypto.randomUUID();
    const attempts = options.attempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request(operation, variables, { ...options, idempotencyKey });
      } catch (error) {
        if (!(error instanceof GraphQLRequestError) || !error.retryable || attempt >= attempts) throw error;
        const wait = error.retryAfterMs ?? 200 * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 30_000)));
      }
    }
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
