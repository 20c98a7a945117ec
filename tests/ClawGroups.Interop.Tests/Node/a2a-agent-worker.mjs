// An A2A agent built the way the official JavaScript SDK means it (DefaultRequestHandler + AgentExecutor + its express
// JSON-RPC handler), for the interop tests: it serves its card and JSON-RPC on 127.0.0.1 and prints its base URL as its
// first line. Then one JSON line per thing it saw: each message (its text and data parts), each cancel, each push it sent.
// A2A_AGENT_MODE says how it works an item:
//   complete — working, an artifact, completed (the default);
//   hold     — working until its task is canceled;
//   ask      — working, then input-required with a question; the answer completes it with an artifact quoting the answer.
import express from "express";
import { Role, TaskState } from "@a2a-js/sdk";
import {
  AgentEvent, DefaultPushNotificationSender, DefaultRequestHandler, InMemoryPushNotificationStore, InMemoryTaskStore,
} from "@a2a-js/sdk/server";
import { agentCardHandler, jsonRpcHandler, UserBuilder } from "@a2a-js/sdk/server/express";

const mode = process.env.A2A_AGENT_MODE ?? "complete";
const say = (line) => console.log(JSON.stringify(line));
const text = (value, mediaType = "") => ({ content: { $case: "text", value }, mediaType, filename: "", metadata: {} });
const data = (value) => ({ content: { $case: "data", value }, mediaType: "", filename: "", metadata: {} });
const agentMessage = (taskId, contextId, words) => ({
  messageId: crypto.randomUUID(), taskId, contextId, role: Role.ROLE_AGENT, parts: [text(words)], metadata: {}, extensions: [], referenceTaskIds: [],
});
const status = (taskId, contextId, state, words) => AgentEvent.statusUpdate({
  taskId, contextId, metadata: {},
  status: { state, timestamp: new Date().toISOString(), message: words ? agentMessage(taskId, contextId, words) : undefined },
});
const artifact = (taskId, contextId, name, parts) => AgentEvent.artifactUpdate({
  taskId, contextId, append: false, lastChunk: true, metadata: {},
  artifact: { artifactId: crypto.randomUUID(), name, description: "", parts, metadata: {}, extensions: [] },
});
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const partsOf = (message) => ({
  text: message.parts.filter((p) => p.content?.$case === "text").map((p) => p.content.value).join("\n"),
  data: message.parts.filter((p) => p.content?.$case === "data").map((p) => p.content.value),
});

const cancelled = new Map();

class WorkerExecutor {
  async execute(context, bus) {
    const { taskId, contextId } = context;
    const seen = partsOf(context.userMessage);
    say({ event: "message", taskId, contextId, text: seen.text, data: seen.data, followUp: Boolean(context.task) });
    if (context.task) {
      // The answer to our question, on the same task.
      bus.publish(status(taskId, contextId, TaskState.TASK_STATE_WORKING, "Thanks, going on."));
      bus.publish(artifact(taskId, contextId, "answer.md", [text(`The person said: ${seen.text}`, "text/markdown")]));
      bus.publish(status(taskId, contextId, TaskState.TASK_STATE_COMPLETED, "Finished with the person's answer."));
      bus.finished();
      return;
    }

    bus.publish(AgentEvent.task({
      id: taskId, contextId, artifacts: [], history: [context.userMessage], metadata: {},
      status: { state: TaskState.TASK_STATE_SUBMITTED, timestamp: new Date().toISOString(), message: undefined },
    }));
    bus.publish(status(taskId, contextId, TaskState.TASK_STATE_WORKING, "Reading the item."));
    if (mode === "hold") {
      const stop = new Promise((resolve) => cancelled.set(taskId, resolve));
      await stop;
      return;
    }

    await pause(200);
    if (mode === "ask") {
      bus.publish(status(taskId, contextId, TaskState.TASK_STATE_INPUT_REQUIRED, "Which colour should the button be?"));
      bus.finished();
      return;
    }

    const item = seen.data[0] ?? {};
    bus.publish(artifact(taskId, contextId, "report.md", [text(`# Report\n\nDone: ${seen.text.split("\n")[0]}`, "text/markdown")]));
    bus.publish(artifact(taskId, contextId, "facts", [data({ workItemId: item.workItemId, lines: 3 })]));
    bus.publish(status(taskId, contextId, TaskState.TASK_STATE_COMPLETED, "All done."));
    bus.finished();
  }

  async cancelTask(taskId, bus) {
    say({ event: "cancel", taskId });
    bus.publish(status(taskId, "", TaskState.TASK_STATE_CANCELED, "Stopped on request."));
    bus.finished();
    cancelled.get(taskId)?.();
  }
}

const app = express();
const server = app.listen(0, "127.0.0.1", () => {
  const base = `http://127.0.0.1:${server.address().port}/`;
  const card = {
    name: process.env.A2A_AGENT_NAME ?? "sdk-worker",
    description: "An @a2a-js/sdk agent that writes reports",
    version: "1.0.0",
    supportedInterfaces: [{ url: `${base}a2a/jsonrpc`, protocolBinding: "JSONRPC", tenant: "", protocolVersion: "1.0" }],
    capabilities: { streaming: true, pushNotifications: process.env.A2A_AGENT_PUSH !== "false", extensions: [] },
    defaultInputModes: ["text/plain"],
    defaultOutputModes: ["text/markdown"],
    skills: [{ id: "reports", name: "Reports", description: "Writes short reports", tags: ["writing", "reports"], examples: [],
               inputModes: [], outputModes: [], securityRequirements: [] }],
    securitySchemes: {}, securityRequirements: [], signatures: [],
  };
  const store = new InMemoryPushNotificationStore();
  const sender = new DefaultPushNotificationSender(store);
  const send = sender.send.bind(sender);
  sender.send = async (response, context, task) => {
    const configs = await store.load(task?.id ?? response.payload?.value?.taskId ?? response.payload?.value?.id, context).catch(() => []);
    if (configs.length > 0) say({ event: "push", kind: response.payload?.$case, url: configs[0].url, token: Boolean(configs[0].token) });
    return send(response, context, task);
  };
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), new WorkerExecutor(), undefined, store, sender);
  app.use("/.well-known/agent-card.json", agentCardHandler({ agentCardProvider: handler }));
  app.use("/a2a/jsonrpc", jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  say({ url: base, cardUrl: `${base}.well-known/agent-card.json` });
});
