// The official TypeScript SDK, unchanged: default retries (2), default timeouts, pointed at BASE_URL.
// Sends REQUESTS calls one after another (JSON, or streaming when MODE=stream) and prints one JSON line:
// { ok, failed, requestIds, texts, errors }. Exit code 0 even when calls fail: the test judges the result.
import Anthropic from "@anthropic-ai/sdk";

const baseURL = process.env.BASE_URL;
const count = Number.parseInt(process.env.REQUESTS ?? "1", 10);
const mode = process.env.MODE ?? "json";
const model = process.env.MODEL ?? "claude-opus-4-6";
if (!baseURL || !Number.isFinite(count) || count < 1 || count > 1000) {
  console.error("usage: BASE_URL=http://127.0.0.1:PORT REQUESTS=N MODE=json|stream MODEL=... node sdk-client.mjs");
  process.exit(2);
}

const client = new Anthropic({ baseURL, apiKey: process.env.ANTHROPIC_API_KEY ?? "sk-ant-test-key" });
const result = { ok: 0, failed: 0, requestIds: [], texts: [], errors: [] };

for (let i = 0; i < count; i++) {
  const params = { model, max_tokens: 64, messages: [{ role: "user", content: `Request ${i}: say hello` }] };
  try {
    if (mode === "stream") {
      const stream = client.messages.stream(params);
      let text = "";
      stream.on("text", (t) => { text += t; });
      const message = await stream.finalMessage();
      if (message.stop_reason !== "end_turn") throw new Error("stream ended without end_turn: " + message.stop_reason);
      result.texts.push(text);
      const id = stream.request_id ?? null;
      if (id) result.requestIds.push(id);
    } else {
      const { data, request_id } = await client.messages.create(params).withResponse();
      result.texts.push(data.content.map((b) => b.text ?? "").join(""));
      if (request_id) result.requestIds.push(request_id);
    }
    result.ok++;
  } catch (error) {
    result.failed++;
    result.errors.push({ status: error?.status ?? null, message: String(error?.message ?? error).slice(0, 300) });
  }
}

console.log(JSON.stringify(result));
