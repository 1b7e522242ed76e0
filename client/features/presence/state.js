// Pure helpers for the presence panel; rows come with each talktime:update.
import { formatDuration } from "../talk-time/state.js";

export function mediaLine(row) {
  if (!row.connected) return "not connected";
  if (row.connected_without_media) return "connected without camera or microphone";
  const parts = [];
  if (row.camera_off_for_ms != null) parts.push(`camera off for ${formatDuration(row.camera_off_for_ms)}`);
  else parts.push("camera on");
  if (row.media && !row.media.mic_on) parts.push("microphone off");
  return parts.join(", ");
}

export function checkLine(check, nowServerMs) {
  if (!check) return "";
  if (check.answered_at_ms != null) return `Answered "I'm here" after ${formatDuration(check.answered_at_ms - check.asked_at_ms)}.`;
  return `Asked ${formatDuration(nowServerMs - check.asked_at_ms)} ago — no answer yet.`;
}
