import { Arg, Ctx, Field, Float, Int, Mutation, ObjectType, Resolver } from "type-graphql";
import type { GraphQLContext } from "../../context";
import { Access } from "../../graphql/access";
import { Admitted } from "../../graphql/admitted";
import { ImageInput } from "../support/answers.type";
import { segmentImage } from "./segment-image";

@ObjectType({
  description:
    "One region of a class in the image's pixel coordinates (pixel (i, j) covers [i, i+1] × [j, j+1]): flat x, y pairs as in the COCO format, the ring closed implicitly, simplified to within one pixel.",
})
export class SegmentPolygon {
  @Field(() => [Float], { description: "The region's outline: x0, y0, x1, y1, …" }) exterior: number[];
  @Field(() => [[Float]], { description: "The outlines of holes in it (other classes inside the region)." })
  holes: number[][];
}

@ObjectType({ description: "A class present in a segmented image." })
export class SegmentClass {
  @Field() label: string;
  @Field(() => Int, { description: "The class id: its pixels' value in maskPng." }) classIndex: number;
  @Field(() => Float, { description: "Its share of the image's pixels, 0 to 1." }) pixelShare: number;
  @Field(() => [SegmentPolygon], {
    nullable: true,
    description: "Its regions as polygons, largest first; null unless the call asked for `polygons: true`.",
  })
  polygons?: SegmentPolygon[] | null;
}

@ObjectType()
export class ImageSegmentation {
  @Field(() => Int, { description: "The image's width in pixels (after its EXIF orientation)." }) width: number;
  @Field(() => Int) height: number;
  @Field(() => [SegmentClass], { description: "The classes present, largest first." }) classes: SegmentClass[];
  @Field({
    description: "The mask: an 8-bit grayscale PNG (base64) of the image's size whose pixel values are class indices.",
  })
  maskPng: string;
}

@Resolver()
export class SegmentImageResolver {
  @Access("inference")
  @Admitted()
  @Mutation(() => [ImageSegmentation], {
    description:
      "Every pixel's class for each image (PNG or JPEG, base64) from an IMAGE_SEGMENTATION model: the classes present with their pixel share and the mask in the image's pixels.",
  })
  segmentImage(
    @Arg("model") model: string,
    @Arg("images", () => [ImageInput]) images: ImageInput[],
    @Arg("version", () => String, { nullable: true }) version: string | null,
    @Arg("polygons", () => Boolean, {
      defaultValue: false,
      description: "Also outline each class's regions as polygons (classes.polygons).",
    })
    polygons: boolean,
    @Ctx() ctx: GraphQLContext,
  ) {
    return segmentImage(ctx.services, ctx.principal, { model, images, version, polygons });
  }
}
