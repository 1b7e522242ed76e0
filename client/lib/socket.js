// One socket.io connection per session screen. Feature socket modules register their own
// events on it; this module only connects, sends with an acknowledgement, and reports
// connection problems.
import { io } from "../vendor/socket.io/socket.io.esm.min.js";

const ACK_TIMEOUT_MS = 15000;

export class SocketError extends Error {
  constructor(code, message, details) {
    super(message);
    this.code = code;
    this.details = details || null;
  }
}

/**
 * Connect to the session. `auth` is {session_id, member_token?}.
 * handlers: {onConnect, onDisconnect, onRefused(error), onError(error)}.
 */
export function connectSession(auth, { onConnect, onDisconnect, onRefused, onError } = {}) {
  const socket = io({ auth, reconnectionDelayMax: 10000 });
  socket.on("connect", () => onConnect && onConnect(socket));
  socket.on("disconnect", (reason) => onDisconnect && onDisconnect(reason));
  socket.on("connect_error", (err) => {
    const data = (err && err.data) || {};
    if (onRefused) onRefused(new SocketError(data.code || "connect_failed", data.message || "We could not connect. We will keep trying."));
  });
  // Errors of events sent without an ack come back as "error" (see docs/protocol.md).
  socket.on("error", (body) => {
    const e = (body && body.error) || body || {};
    if (onError) onError(new SocketError(e.code || "error", e.message || "Something went wrong.", e.details));
  });
  return socket;
}

/** True for the server's "you're sending too quickly" answer (docs/protocol.md, "Rate limits"). */
export const isRateLimited = (error) => Boolean(error && error.code === "rate_limited");

/** How long to wait before sending that event again, from a `rate_limited` error. */
export function retryAfterMs(error, fallbackMs = 1000) {
  const wait = error && error.details && error.details.retry_after_ms;
  return Number.isFinite(wait) && wait >= 0 ? wait : fallbackMs;
}

/** Emit an event and resolve its ack; a {ok: false} answer rejects with a SocketError. */
export function request(socket, event, payload = {}) {
  return new Promise((resolve, reject) => {
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err, answer) => {
      if (err) {
        reject(new SocketError("timeout", "The server did not answer in time. Please try again."));
        return;
      }
      if (!answer || answer.ok === false) {
        const e = (answer && answer.error) || {};
        reject(new SocketError(e.code || "error", e.message || "Something went wrong.", e.details));
        return;
      }
      resolve(answer);
    });
  });
}
