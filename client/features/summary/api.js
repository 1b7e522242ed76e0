// The after-session summary over HTTP (docs/protocol.md).
import { get } from "../../lib/api.js";

export const summaryPath = (sessionId) => `/api/sessions/${encodeURIComponent(sessionId)}/summary`;
export const fetchSummary = (sessionId) => get(summaryPath(sessionId)).then((body) => body.summary);
