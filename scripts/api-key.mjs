// Makes a new API key and the hash to configure. Give the key to the calling system; put only
// the hash in THRESHOLD_API_KEY_SHA256 (comma-separate several).
import { createHash, randomBytes } from "node:crypto";

const key = `thr_${randomBytes(32).toString("base64url")}`;
const hash = createHash("sha256").update(key).digest("hex");
console.log(`API key (give to the client, store nowhere else): ${key}`);
console.log(`THRESHOLD_API_KEY_SHA256=${hash}`);
