// Module hooks for running @modelcontextprotocol/conformance 0.1.16 on Node 20: its CLI imports `globSync` from "fs",
// which Node has only from 22 on, and fails to load without it. Its server scenarios never glob, so the conformance
// package alone gets an "fs" that adds a globSync which says so. Registered with `node --import ./mcp-conformance-shim.mjs`.
export async function resolve(specifier, context, next) {
  if ((specifier === "fs" || specifier === "node:fs") && context.parentURL?.includes("/@modelcontextprotocol/conformance/")) {
    return { url: new URL("./mcp-conformance-fs.mjs", import.meta.url).href, shortCircuit: true };
  }
  return next(specifier, context);
}
