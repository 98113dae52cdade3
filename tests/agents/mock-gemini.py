#!/usr/bin/env python3
"""A stand-in for the Gemini API (generativelanguage), so the real Gemini CLI can run offline.

It plays a model that follows a fixed plan of tool calls, one per turn, then answers "done".
Every request it receives is appended to a log, so a test can check what reached the "model":
a function response that holds a secret means the agent got it.

Usage: mock-gemini.py PORT LOG PLAN.json
  PLAN.json  a JSON list of tool calls: [{"name": "read_file", "input": {"file_path": ".env"}},
             {"name": "run_shell_command", "input": {"command": "env"}}, ...]
             A call whose tool the CLI did not declare in that request is skipped.
  PORT       0 for any free port; the port is printed on the first line of stdout.
  LOG        one line per request: the path, a space, the JSON body.

Gemini CLI (npm @google/gemini-cli) reaches it with GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:PORT
and GEMINI_API_KEY set (auth type "gemini-api-key"). Its turns are POST
/v1beta/models/MODEL:streamGenerateContent?alt=sse, answered as server-sent events, each a
GenerateContentResponse; a tool call is a functionCall part, and the next request carries the
tool's result as a functionResponse part. Requests without tools (the CLI's own side questions:
routing, next-speaker checks) and countTokens get short, valid answers.
Only loopback: it binds 127.0.0.1.
"""
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def responses(contents):
    return sum(1 for c in contents or [] for p in c.get("parts", []) if "functionResponse" in p)


def declared(tools):
    return {d.get("name") for t in tools or [] for d in t.get("functionDeclarations", [])}


def instance(schema):
    """The simplest value of a JSON schema (Gemini's upper-case type names or JSON Schema's)."""
    kind = str(schema.get("type", "object")).lower()
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {k: instance(v) for k, v in schema.get("properties", {}).items()}
    return {"array": [], "string": "", "integer": 1, "number": 1, "boolean": False}.get(kind)


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
        self.reply(200, b'{"models": []}')

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        with open(self.log, "ab") as f:
            f.write(self.path.encode() + b" " + body.replace(b"\n", b" ") + b"\n")
        if ":countTokens" in self.path:
            return self.reply(200, b'{"totalTokens": 10}')
        req = json.loads(body) if body else {}
        tools = declared(req.get("tools"))
        done = responses(req.get("contents"))
        todo = [c for c in self.plan if c["name"] in tools]
        if tools and done < len(todo):
            call = todo[done]
            part = {"functionCall": {"name": call["name"], "args": call["input"]}}
        elif tools:
            part = {"text": "done"}
        else:
            # A side question (which model to route to, who speaks next), often with a JSON
            # schema for the answer: an object of that shape with empty values.
            schema = req.get("generationConfig", {}).get("responseJsonSchema") or \
                req.get("generationConfig", {}).get("responseSchema")
            part = {"text": json.dumps(instance(schema)) if schema else "done"}
        chunk = {"candidates": [{"content": {"role": "model", "parts": [part]}, "finishReason": "STOP", "index": 0}],
                 "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5, "totalTokenCount": 15},
                 "modelVersion": "mock"}
        if ":streamGenerateContent" not in self.path:
            return self.reply(200, json.dumps(chunk).encode())
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        self.wfile.write(f"data: {json.dumps(chunk)}\r\n\r\n".encode())
        self.wfile.flush()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    Model.log, Model.plan = sys.argv[2], json.load(open(sys.argv[3]))
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Model)
    print(server.server_address[1], flush=True)
    server.serve_forever()
