/**
 * Cancellation of LSP requests. Every handler is registered through `cancellable`, which reads the
 * request's token before the work, after it, and whenever the core checks (`isCancelled`); a
 * cancelled request answers the error the protocol names, `RequestCancelled` — never a late result.
 * A request still queued when its `$/cancelRequest` arrives is answered at once (`cancelUndispatched`).
 */
import { LSPErrorCodes, ResponseError, type CancellationToken, type RequestMessage, type ResponseMessage } from "vscode-languageserver/node";
import { Cancelled, type IsCancelled } from "../core/cancellation";

export function requestCancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, "Request cancelled");
}

export function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw requestCancelled();
}

/** The token as the core's cancellation callback. */
export function isCancelledBy(token: CancellationToken | undefined): IsCancelled {
  return () => token?.isCancellationRequested === true;
}

/** `promise`, or a RequestCancelled rejection as soon as the token is cancelled (a hover waiting on an index build). */
export function untilCancelled<T>(promise: Promise<T>, token: CancellationToken | undefined): Promise<T> {
  if (!token) return promise;
  throwIfCancelled(token);
  return new Promise<T>((resolve, reject) => {
    const sub = token.onCancellationRequested(() => {
      sub.dispose();
      reject(requestCancelled());
    });
    promise.then(
      (v) => {
        sub.dispose();
        resolve(v);
      },
      (e) => {
        sub.dispose();
        reject(e);
      },
    );
  });
}

/**
 * A request handler that honours its token: RequestCancelled when cancelled before it starts,
 * while it waits, when the core stops (`Cancelled`), or when the answer is ready too late.
 */
export function cancellable<P, R>(handler: (params: P, token: CancellationToken) => R | Promise<R>): (params: P, token: CancellationToken) => Promise<R> {
  return async (params, token) => {
    throwIfCancelled(token);
    let result: R;
    try {
      result = await handler(params, token);
    } catch (e) {
      if (e instanceof Cancelled || token?.isCancellationRequested) throw requestCancelled();
      throw e;
    }
    // A cancellation sent while the handler ran is still unread input: read it before answering.
    await new Promise<void>((resolve) => setImmediate(resolve));
    throwIfCancelled(token);
    return result;
  };
}

/** Answers a request that was cancelled before it was dispatched, without running it. */
export function cancelUndispatched(message: RequestMessage): ResponseMessage {
  return { jsonrpc: "2.0", id: message.id, error: requestCancelled().toJson() };
}
