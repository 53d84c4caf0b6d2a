import type { Principal } from "./auth/principal";
import type { AppServices } from "./services";

export interface GraphQLContext {
  requestId: string;
  clientIp: string;
  authorization: string | undefined;
  /** Set once per operation, before any resolver runs (see graphql/request.plugin.ts). */
  principal: Principal | null;
  services: AppServices;
}
