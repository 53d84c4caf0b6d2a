// Loaded by the OpenAI embeddings route too, before the schema module imports reflect-metadata.
import "reflect-metadata";
import { Field, Float, InputType, Int, ObjectType } from "type-graphql";

// GraphQL types that several tasks' answers share; a task's own answer type lives in its
// resolver file.

@ObjectType()
export class LabelScore {
  @Field() label: string;
  @Field(() => Float) score: number;
}

@ObjectType({ description: "pixels of the submitted image, origin top-left" })
export class BoundingBox {
  @Field(() => Float) x: number;
  @Field(() => Float) y: number;
  @Field(() => Float) width: number;
  @Field(() => Float) height: number;
}

@InputType()
export class ImageInput {
  @Field({ description: "base64 of a PNG or JPEG file" })
  base64: string;
}

@ObjectType({
  description:
    "One input's vector (a text's or an image's). Select `values` for floats, or `base64` for compact bytes.",
})
export class Embedding {
  @Field(() => [Float], { description: "The vector as floats." }) values: number[];

  @Field(() => Int, { description: "Length of the vector." })
  dimensions(): number {
    return this.values.length;
  }

  static of(row: { values: number[] }): Embedding {
    return Object.assign(new Embedding(), row);
  }

  @Field({
    description:
      "The vector as little-endian float32 bytes in base64 (4 bytes per dimension), as OpenAI's " +
      "`encoding_format: base64`: about a third of the size of `values` and no float parsing. " +
      "Decode: Python `np.frombuffer(base64.b64decode(s), dtype='<f4')`; " +
      "JavaScript `new Float32Array(Uint8Array.from(atob(s), c => c.charCodeAt(0)).buffer)`.",
  })
  base64(): string {
    const floats = Float32Array.from(this.values);
    return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
  }
}
