// Runs @modelcontextprotocol/conformance (server mode, pinned in package.json) against the app's /mcp. The conformance
// client sends no credentials and /mcp answers 401 without them, so it talks to a loopback proxy that adds the
// Authorization header (CLAW_TOKEN) and forwards everything else as it came, streams included. Inputs: CLAW_MCP_URL,
// CLAW_TOKEN, CONFORMANCE_SUITE (default "active", the suite's own default). Prints one JSON line per scenario: { scenario, checks: [{ id, status,
// errorMessage }] }, then { done: true, exitCode }.
import http from "node:http";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const target = new URL(process.env.CLAW_MCP_URL);

const proxy = http.createServer((request, response) => {
  const headers = { ...request.headers, host: target.host, authorization: `Bearer ${process.env.CLAW_TOKEN}` };
  const upstream = http.request({ hostname: target.hostname, port: target.port, path: target.pathname + (request.url.split("?")[1] ? `?${request.url.split("?")[1]}` : ""),
    method: request.method, headers }, (answer) => {
    response.writeHead(answer.statusCode, answer.headers);
    answer.pipe(response);
  });
  upstream.on("error", (error) => { response.writeHead(502); response.end(String(error)); });
  request.pipe(upstream);
});
await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${proxy.address().port}/mcp`;

const work = await mkdtemp(path.join(tmpdir(), "claw-conformance-"));
const cli = path.join(here, "node_modules/@modelcontextprotocol/conformance/dist/index.js");
const exitCode = await new Promise((resolve) => {
  const run = spawn(process.execPath, ["--import", path.join(here, "mcp-conformance-shim.mjs"), cli, "server", "--url", url,
    "--suite", process.env.CONFORMANCE_SUITE ?? "active", "--output-dir", "results"], { cwd: work, stdio: ["ignore", "ignore", "inherit"] });
  run.on("exit", (code) => resolve(code));
});

const results = path.join(work, "results");
for (const folder of (await readdir(results, { recursive: true }).catch(() => [])).filter((f) => f.endsWith("checks.json")).map(path.dirname).sort()) {
  const checks = JSON.parse(await readFile(path.join(results, folder, "checks.json"), "utf8"));
  const scenario = path.basename(folder).replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T.*$/, "");
  console.log(JSON.stringify({ scenario, checks: checks.filter((c) => c.status !== "INFO")
    .map((c) => ({ id: c.id, status: c.status, errorMessage: c.errorMessage ?? null })) }));
}
console.log(JSON.stringify({ done: true, exitCode }));
await rm(work, { recursive: true, force: true });
proxy.close();
