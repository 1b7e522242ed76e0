// Media signalling over the session socket (docs/protocol.md, "media:*").
import { request } from "../../lib/socket.js";

/** {ice_servers, slots}: what the peer connection needs before the offer. */
export const mediaConfig = (socket) => request(socket, "media:config");
/** {answer_sdp, layout}: the server's answer to an offer built as docs/media.md says. */
export const joinMedia = (socket, offerSdp, audioOnly) =>
  request(socket, "media:join", { offer_sdp: offerSdp, audio_only: Boolean(audioOnly) });
export const leaveMedia = (socket) => request(socket, "media:leave");
export const sendMediaState = (socket, cameraOn, micOn) =>
  request(socket, "media:state", { camera_on: Boolean(cameraOn), mic_on: Boolean(micOn) });
export const onLayout = (socket, handler) => socket.on("media:layout", handler);
