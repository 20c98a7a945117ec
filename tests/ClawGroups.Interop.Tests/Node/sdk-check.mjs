// Loads both SDKs the way the interop scripts do and reaches the app: proves the pinned install works before any
// protocol test relies on it. Prints one JSON line: the versions installed and the status /health answered.
import { readFile } from "node:fs/promises";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ClientFactory } from "@a2a-js/sdk/client";

const versionOf = async (name) => JSON.parse(await readFile(new URL(`./node_modules/${name}/package.json`, import.meta.url))).version;

const health = await fetch(new URL("/health", process.env.CLAW_URL));
console.log(JSON.stringify({
  mcpSdk: await versionOf("@modelcontextprotocol/sdk"),
  a2aSdk: await versionOf("@a2a-js/sdk"),
  loaded: typeof Client === "function" && typeof ClientFactory === "function",
  health: health.status,
}));
