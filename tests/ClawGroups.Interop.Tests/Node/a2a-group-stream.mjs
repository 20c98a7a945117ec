// Sends a message to a group over A2A with the SDK's streaming call and prints every event it gets, one JSON line each:
// { kind: "task"|"statusUpdate"|"artifactUpdate", state?, text? }. Inputs: CLAW_URL (no trailing slash), GROUP_ID,
// CLAW_TOKEN, TEXT.
import { randomUUID } from "node:crypto";
import { ClientFactory } from "@a2a-js/sdk/client";
import { Role, TaskState } from "@a2a-js/sdk";

const { CLAW_URL, GROUP_ID, CLAW_TOKEN, TEXT } = process.env;
const client = await new ClientFactory().createFromUrl(`${CLAW_URL}/a2a/${GROUP_ID}/`);
const asMember = { serviceParameters: { Authorization: `Bearer ${CLAW_TOKEN}` } };
const textOf = (parts) => (parts ?? []).map((p) => p.content?.value ?? "").join("");

const stream = client.sendMessageStream({
  message: { messageId: randomUUID(), role: Role.ROLE_USER, parts: [{ content: { $case: "text", value: TEXT } }] },
}, asMember);
for await (const event of stream) {
  const { $case: kind, value } = event.payload;
  const status = kind === "task" || kind === "statusUpdate" ? value.status : undefined;
  console.log(JSON.stringify({
    kind,
    taskId: kind === "task" ? value.id : value.taskId,
    state: status ? TaskState[status.state] : undefined,
    text: kind === "artifactUpdate" ? textOf(value.artifact.parts) : textOf(status?.message?.parts),
  }));
}
console.log(JSON.stringify({ kind: "end" }));
