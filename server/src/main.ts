/**
 * Language server entry (dist/server.js): the transport comes from argv (--node-ipc, --stdio, --socket).
 *
 * Over stdio the reader is ours, so that a framing error (a bad `Content-Length` header, a body that
 * is not JSON) ends the process instead of leaving a server that is alive but never answers again:
 * the client sees the exit and its restart policy starts a fresh server.
 */
import { createConnection, IPCMessageReader, IPCMessageWriter, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type ConnectionOptions } from "vscode-languageserver/node";
import { cancelUndispatched } from "./lsp/cancellation";
import { gateBackgroundOnRequests } from "./lsp/requestGate";
import { startServer } from "./lsp/server";

// A request cancelled while still queued is answered RequestCancelled without running.
const options: ConnectionOptions = { connectionStrategy: { cancelUndispatched: (message) => ("id" in message && "method" in message ? cancelUndispatched(message as Parameters<typeof cancelUndispatched>[0]) : undefined) } };

if (process.argv.includes("--stdio")) {
  // stdout carries the protocol: anything printed goes to stderr.
  for (const level of ["log", "info", "debug", "warn"] as const) console[level] = console.error;
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout);
  gateBackgroundOnRequests(reader, writer);
  let shutdown = false;
  reader.onError((e) => {
    process.stderr.write(`shutten: the client sent a message the server cannot read (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); exiting so the client can start a new server\n`);
    process.exit(1);
  });
  const connection = createConnection(ProposedFeatures.all, reader, writer, options);
  // The server registers its own shutdown handler; note that one came, for the exit code.
  const onShutdown = connection.onShutdown.bind(connection);
  connection.onShutdown = (handler) =>
    onShutdown((token) => {
      shutdown = true;
      return handler(token);
    });
  // The client went away: so does the server (as the library does for its own stdio streams).
  process.stdin.on("end", () => process.exit(shutdown ? 0 : 1));
  process.stdin.on("close", () => process.exit(shutdown ? 0 : 1));
  startServer(connection);
} else if (process.argv.includes("--node-ipc")) {
  // What VS Code's client uses (as the library would make them, with the background gate).
  const reader = new IPCMessageReader(process);
  const writer = new IPCMessageWriter(process);
  gateBackgroundOnRequests(reader, writer);
  startServer(createConnection(ProposedFeatures.all, reader, writer, options));
} else {
  // --socket, --pipe: the library's transports (background work then runs a slice per turn, ungated).
  startServer(createConnection(ProposedFeatures.all, options));
}
