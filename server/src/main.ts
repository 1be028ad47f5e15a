/** Language server entry (dist/server.js): the transport comes from argv (--node-ipc, --stdio, --socket). */
import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startServer } from "./lsp/server";

startServer(createConnection(ProposedFeatures.all));
