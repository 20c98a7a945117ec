// Preload for the conformance CLI on Node 20: registers mcp-conformance-hooks.mjs.
import { register } from "node:module";
register("./mcp-conformance-hooks.mjs", import.meta.url);
