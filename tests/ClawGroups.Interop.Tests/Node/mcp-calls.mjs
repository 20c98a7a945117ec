// An MCP client as MCP hosts (Claude Code and others) are built: the official SDK's Client over its
// StreamableHTTPClientTransport, with the bearer token in a header. Inputs: CLAW_MCP_URL, CLAW_TOKEN, and CLAW_CALLS, a
// JSON array of { "name", "arguments" }; a string "$prev.workItem.id" in arguments is replaced by that path of the
// previous call's structuredContent, so one run can pull an item and then act on it.
// Prints one JSON line per step: { step: "connect", protocolVersion, tools } (or { step: "connect", error, code } when
// the server refuses the connection), then { step: <tool name>, isError, structuredContent, text } per call.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const print = (line) => console.log(JSON.stringify(line));
const token = process.env.CLAW_TOKEN;
const transport = new StreamableHTTPClientTransport(new URL(process.env.CLAW_MCP_URL), {
  requestInit: token ? { headers: { Authorization: `Bearer ${token}` } } : {},
});
const client = new Client({ name: "claw-interop", version: "1.0.0" });

try {
  await client.connect(transport);
} catch (error) {
  print({ step: "connect", error: String(error?.message ?? error), code: error?.code ?? null });
  process.exit(0);
}

const { tools } = await client.listTools();
print({ step: "connect", protocolVersion: transport.protocolVersion ?? null, tools: tools.map((t) => ({
  name: t.name, hasInputSchema: !!t.inputSchema, hasOutputSchema: !!t.outputSchema, description: t.description })) });

const at = (value, path) => path.split(".").reduce((v, key) => v?.[key], value);
const fill = (value, previous) => {
  if (typeof value === "string" && value.startsWith("$prev.")) return at(previous, value.slice("$prev.".length));
  if (Array.isArray(value)) return value.map((v) => fill(v, previous));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, previous)]));
  return value;
};

let previous = null;
for (const call of JSON.parse(process.env.CLAW_CALLS ?? "[]")) {
  // callTool validates structuredContent against the tool's outputSchema: an answer the schema rejects throws here.
  const result = await client.callTool({ name: call.name, arguments: fill(call.arguments ?? {}, previous) });
  print({ step: call.name, isError: result.isError ?? false, structuredContent: result.structuredContent ?? null,
    text: result.content?.find((c) => c.type === "text")?.text ?? null });
  if (!result.isError) previous = result.structuredContent;
}

await client.close();
