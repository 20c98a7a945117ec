// "fs" as @modelcontextprotocol/conformance sees it on Node 20 (see mcp-conformance-hooks.mjs).
import fs from "node:fs";
export * from "node:fs";
export default fs;
export const globSync = fs.globSync ?? (() => { throw new Error("globSync needs Node 22; the server scenarios do not use it."); });
