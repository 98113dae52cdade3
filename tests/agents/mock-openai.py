#!/usr/bin/env python3
"""A stand-in for the OpenAI Responses API, so the real Codex CLI can run offline.

It plays a model that follows a fixed plan of tool calls, one per turn, then answers "done".
Every request it receives is appended to a log, so a test can check what reached the "model":
a tool output that holds a secret means the agent got it.

Usage: mock-openai.py PORT LOG PLAN.json
  PLAN.json  a JSON list of tool calls: [{"name": "exec_command", "input": {"cmd": "cat .env"}},
             {"name": "mcp__vault__store", "input": {"value": "..."}}, ...]
             A call whose tool the CLI did not offer in that request is skipped (MCP tools are
             matched by their server and tool names, however the CLI spells them).
  PORT       0 for any free port; the port is printed on the first line of stdout.
  LOG        one line per request: the path, a space, the JSON body.

Codex CLI (npm @openai/codex) reaches it through a provider in $CODEX_HOME/config.toml:
  model_provider = "mock"
  [model_providers.mock]
  name = "mock"; base_url = "http://127.0.0.1:PORT/v1"; env_key = "MOCK_API_KEY"; wire_api = "responses"
It POSTs /v1/responses with "stream": true and reads server-sent events: each output item as
response.output_item.done, then response.completed. The next request carries every earlier
item of the turn in "input", with the tool's result as a function_call_output.
Only loopback: it binds 127.0.0.1.
"""
import json, re, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def outputs(items):
    return sum(1 for i in items if isinstance(i, dict) and i.get("type", "").endswith("_call_output"))


def offered(tools):
    """Tool name -> how to call it: {"name": ..., "namespace": ...} (MCP tools may come grouped)."""
    out = {}
    for t in tools or []:
        if t.get("type") == "namespace":
            # Codex groups an MCP server's tools as namespace "mcp__SERVER" and names each
            # call "mcp__SERVER__TOOL" for hooks: the plan uses that name.
            sep = "" if t["name"].endswith("_") else "__"
            for sub in t.get("tools", []):
                out[t["name"] + sep + sub["name"]] = {"name": sub["name"], "namespace": t["name"]}
        elif t.get("name"):
            out[t["name"]] = {"name": t["name"], "kind": t.get("type")}
    return out


def fill(value, items):
    """`"{{session_id}}"` in a planned input becomes the id of the last shell session Codex said
    it kept running ("Process running with session ID N"), for a plan that writes to it."""
    if value == "{{session_id}}":
        ids = re.findall(r"session ID (\d+)", json.dumps([i.get("output") for i in items]))
        return int(ids[-1]) if ids else 0
    if isinstance(value, dict):
        return {k: fill(v, items) for k, v in value.items()}
    return value


class Model(BaseHTTPRequestHandler):
    plan, log = [], None

    def log_message(self, *args):
        pass

    def reply(self, code, body, kind="application/json"):
        self.send_response(code)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with open(self.log, "ab") as f:
            f.write(b"GET " + self.path.encode() + b"\n")
        self.reply(200, b'{"object": "list", "data": [], "models": []}')

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        with open(self.log, "ab") as f:
            f.write(self.path.encode() + b" " + body.replace(b"\n", b" ") + b"\n")
        if not self.path.rstrip("/").endswith("/responses"):
            return self.reply(200, b"{}")
        req = json.loads(body)
        tools = offered(req.get("tools"))
        items = req.get("input") if isinstance(req.get("input"), list) else []
        done = outputs(items)
        todo = [c for c in self.plan if c["name"] in tools]
        n = done
        if tools and done < len(todo):
            call, tool = todo[done], tools[todo[done]["name"]]
            args = call["input"] if isinstance(call["input"], str) else json.dumps(fill(call["input"], items))
            item = {"type": "function_call", "id": f"fc_{n:04d}", "call_id": f"call_{n:04d}",
                    "name": tool["name"], "arguments": args, "status": "completed"}
            if tool.get("namespace"):
                item["namespace"] = tool["namespace"]
            if tool.get("kind") == "custom":
                item = {"type": "custom_tool_call", "id": f"ctc_{n:04d}", "call_id": f"call_{n:04d}",
                        "name": tool["name"], "input": call["input"], "status": "completed"}
        else:
            item = {"type": "message", "id": f"msg_{n:04d}", "role": "assistant", "status": "completed",
                    "content": [{"type": "output_text", "text": "done", "annotations": []}]}
        resp = {"id": f"resp_{n:04d}", "object": "response", "status": "completed", "model": req.get("model"),
                "output": [], "usage": {"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0},
                                        "output_tokens": 5, "output_tokens_details": {"reasoning_tokens": 0},
                                        "total_tokens": 15}}
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()

        def event(kind, data):
            data = dict(data, type=kind)
            self.wfile.write(f"event: {kind}\ndata: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

        event("response.created", {"response": dict(resp, status="in_progress")})
        event("response.output_item.added", {"output_index": 0, "item": item})
        event("response.output_item.done", {"output_index": 0, "item": item})
        event("response.completed", {"response": dict(resp, output=[item])})


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    Model.log, Model.plan = sys.argv[2], json.load(open(sys.argv[3]))
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Model)
    print(server.server_address[1], flush=True)
    server.serve_forever()
