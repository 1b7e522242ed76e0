// The backchannel panel, marked so no facilitator mistakes it for the room chat.
import { createMessagePanel } from "../chat/view.js";

export function createBackchannelPanel({ onSend }) {
  return createMessagePanel({
    id: "backchannel",
    title: "Facilitators' backchannel",
    note: "Only facilitators see this. Peers never see these messages.",
    inputLabel: "Private message to facilitators",
    onSend,
    privatePanel: true,
  });
}
