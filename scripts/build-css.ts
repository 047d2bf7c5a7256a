/** npm run build:css: writes public/threshold.css from its Sass source (scripts/css.ts). */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../src/config.js";
import { stylesheet, TARGET } from "./css.js";

const output = stylesheet();
writeFileSync(path.join(projectRoot(), TARGET), output);
console.log(`wrote ${TARGET} (${output.length} bytes)`);
