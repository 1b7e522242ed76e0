// Talk-time events: the staff dashboard's figures, a peer's own figures, cues and alerts.
export const onTalkTimeUpdate = (socket, handler) => socket.on("talktime:update", handler);
export const onMyTalkTime = (socket, handler) => socket.on("talktime:mine", handler);
export const onBalanceCue = (socket, handler) => socket.on("balance:cue", handler);
export const onBalanceAlert = (socket, handler) => socket.on("balance:alert", handler);
