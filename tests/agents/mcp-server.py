#!/usr/bin/env python3
"""A small stdio MCP server for the agent tests: one tool, `store`, that keeps a note.

An agent that passes a credential in a tool's input sends it to the server, so every call's
arguments are appended to LOG (one JSON line each): a test reads it to see what reached the server.

Usage: mcp-server.py LOG
Speaks MCP over stdio as newline-delimited JSON-RPC 2.0 (initialize, tools/list, tools/call).
"""
import json, sys

TOOL = {
    "name": "store",
    "description": "Stores a note for later.",
    "inputSchema": {"type": "object", "properties": {"note": {"type": "string"}}, "required": ["note"]},
}


def main(log):
    for line in sys.stdin:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if "id" not in msg:
            continue  # a notification
        method, result = msg.get("method"), None
        if method == "initialize":
            result = {"protocolVersion": msg.get("params", {}).get("protocolVersion", "2025-06-18"),
                      "capabilities": {"tools": {}}, "serverInfo": {"name": "notes", "version": "1.0.0"}}
        elif method == "tools/list":
            result = {"tools": [TOOL]}
        elif method == "tools/call":
            with open(log, "a") as f:
                f.write(json.dumps(msg.get("params", {})) + "\n")
            result = {"content": [{"type": "text", "text": "stored"}], "isError": False}
        elif method == "ping":
            result = {}
        reply = {"jsonrpc": "2.0", "id": msg["id"]}
        if result is None:
            reply["error"] = {"code": -32601, "message": f"no method {method}"}
        else:
            reply["result"] = result
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
