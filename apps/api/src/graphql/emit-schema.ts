// `npm run schema:emit`: writes apps/api/schema.graphql, the committed copy of the schema
// that a test compares with the code.
import fs from "node:fs";
import path from "node:path";
import { printApiSchema } from "./print-schema";

printApiSchema().then((sdl) => {
  const file = path.resolve(__dirname, "..", "..", "schema.graphql");
  fs.writeFileSync(file, sdl);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
});
