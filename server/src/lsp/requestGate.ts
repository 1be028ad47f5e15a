/**
 * Tells the core's background queue (core/backgroundWork.ts) when a request from the client is read
 * and when it is answered, at the transport, so that background slices wait while a request is
 * answered: a hover during an index rebuild then waits for the one slice that was running when it
 * came, not for every background task's turn at each of its own turns.
 */
import { Message, type MessageReader, type MessageWriter, type RequestMessage, type ResponseMessage } from "vscode-languageserver/node";
import { requestAnswered, requestArrived } from "../core/backgroundWork";

/** Wraps `reader` and `writer` (before the connection listens) so the queue hears of each request. */
export function gateBackgroundOnRequests(reader: MessageReader, writer: MessageWriter): void {
  const listen = reader.listen.bind(reader);
  reader.listen = (callback) =>
    listen((message) => {
      const id = Message.isRequest(message) ? (message as RequestMessage).id : null;
      if (id !== null) requestArrived(id);
      callback(message);
    });
  const write = writer.write.bind(writer);
  writer.write = (message) => {
    const id = Message.isResponse(message) ? (message as ResponseMessage).id : null;
    const sent = write(message);
    // (Every answer written is to a client's request: the server's own requests have theirs read.)
    if (id !== null) requestAnswered(id);
    return sent;
  };
}
