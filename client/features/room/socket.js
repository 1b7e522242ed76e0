// Socket events of the room: participant changes, removal. A room snapshot is never an event of
// its own (docs/protocol.md): it comes inside the session:join ack and lobby:admitted.
import { request } from "../../lib/socket.js";

export const removeParticipant = (socket, memberId) => request(socket, "participant:remove", { member_id: memberId });

export const onParticipants = (socket, handler) => socket.on("room:participants", handler);
export const onRemoved = (socket, handler) => socket.on("session:removed", handler);
