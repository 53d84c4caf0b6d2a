import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { requirePrincipal } from "../../auth/require-scope";
import type { GraphQLContext } from "../../context";
import { addPlan, retirePlan } from "../../use-cases/catalog/change-plans";
import { listPublishedModels } from "../../use-cases/catalog/list-published-models";
import { previewVersion } from "../../use-cases/catalog/preview-version";
import { publishVersion } from "../../use-cases/catalog/publish-version";
import { setVersionStatus } from "../../use-cases/catalog/set-version-status";
import { unpublishModel } from "../../use-cases/catalog/unpublish-model";
import { updateModel } from "../../use-cases/catalog/update-model";
import { Access } from "../access";
import { Admitted } from "../admitted";
import { PlanInput, PreviewVersionInput, PublishVersionInput, UpdateModelInput } from "../inputs/publish-model.input";
import { Model, PublishedModel, VersionPreview } from "../types/catalog.type";

/** What a publisher does with a published model: versions, edits, plans, unpublishing. */
@Resolver(() => Model)
export class ModelLifecycleResolver {
  @Access("models:write")
  @Query(() => [PublishedModel], { description: "Your organisation's models (drafts and unpublished ones too)." })
  publishedModels(@Ctx() ctx: GraphQLContext) {
    return listPublishedModels(ctx.services, requirePrincipal(ctx.principal));
  }

  @Access("models:write")
  @Admitted()
  @Mutation(() => VersionPreview, {
    description:
      "Checks an uploaded model against its task and runs its examples (and a sample image) as published versions run; stores nothing.",
  })
  previewVersion(@Arg("input", () => PreviewVersionInput) input: PreviewVersionInput, @Ctx() ctx: GraphQLContext) {
    return previewVersion(ctx.services, requirePrincipal(ctx.principal), {
      ...input,
      image: input.imageBase64 ? { base64: input.imageBase64 } : null,
    });
  }

  @Access("models:write")
  @Admitted()
  @Mutation(() => Model, { description: "A new version of your model; the highest one not yanked becomes the latest." })
  publishVersion(
    @Arg("model") model: string,
    @Arg("input", () => PublishVersionInput) input: PublishVersionInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return publishVersion(ctx.services, requirePrincipal(ctx.principal), model, input);
  }

  @Access("models:write")
  @Mutation(() => Model, { description: "Still served; every answer carries a notice (undo: true takes it back)." })
  deprecateVersion(
    @Arg("model") model: string,
    @Arg("version") version: string,
    @Arg("note", () => String, { nullable: true }) note: string | null,
    @Arg("undo", { defaultValue: false }) undo: boolean,
    @Ctx() ctx: GraphQLContext,
  ) {
    return setVersionStatus(ctx.services, requirePrincipal(ctx.principal), model, version, {
      kind: "deprecate",
      note,
      undo,
    });
  }

  @Access("models:write")
  @Mutation(() => Model, { description: "Refused when pinned, never the latest (undo: true takes it back)." })
  yankVersion(
    @Arg("model") model: string,
    @Arg("version") version: string,
    @Arg("reason", () => String, { nullable: true }) reason: string | null,
    @Arg("undo", { defaultValue: false }) undo: boolean,
    @Ctx() ctx: GraphQLContext,
  ) {
    return setVersionStatus(ctx.services, requirePrincipal(ctx.principal), model, version, {
      kind: "yank",
      note: reason,
      undo,
    });
  }

  @Access("models:write")
  @Mutation(() => Model, {
    description: "Edits the description, tags, card or visibility (a private draft goes public here).",
  })
  updateModel(
    @Arg("model") model: string,
    @Arg("input", () => UpdateModelInput) input: UpdateModelInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return updateModel(ctx.services, requirePrincipal(ctx.principal), model, {
      ...input,
      card: input.card ? { ...input.card } : input.card,
    });
  }

  @Access("models:write")
  @Mutation(() => Model)
  addPlan(@Arg("model") model: string, @Arg("plan", () => PlanInput) plan: PlanInput, @Ctx() ctx: GraphQLContext) {
    return addPlan(ctx.services, requirePrincipal(ctx.principal), model, plan);
  }

  @Access("models:write")
  @Mutation(() => Model, { description: "New subscribers cannot pick it; existing ones keep it on the same terms." })
  retirePlan(@Arg("model") model: string, @Arg("planId", () => ID) planId: string, @Ctx() ctx: GraphQLContext) {
    return retirePlan(ctx.services, requirePrincipal(ctx.principal), model, planId);
  }

  @Access("models:write")
  @Mutation(() => Model, {
    description:
      "Gone from the catalog at once; subscribers are served until their paid period ends, then their subscriptions end.",
  })
  unpublishModel(@Arg("model") model: string, @Ctx() ctx: GraphQLContext) {
    return unpublishModel(ctx.services, requirePrincipal(ctx.principal), model);
  }
}
