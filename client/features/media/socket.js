// Media signalling over the session socket (docs/protocol.md, "media:*").
import { request } from "../../lib/socket.js";

/** {ice_servers, slots}: what the peer connection needs before the offer. */
export const mediaConfig = (socket) => request(socket, "media:config");
/** {answer_sdp, layout}: the server's answer to an offer built as docs/media.md says, with the
 * camera and microphone as they are at joining (a rejoin with the camera off stays off). */
export const joinMedia = (socket, offerSdp, { audioOnly, cameraOn, micOn }) =>
  request(socket, "media:join", {
    offer_sdp: offerSdp, audio_only: Boolean(audioOnly), camera_on: Boolean(cameraOn), mic_on: Boolean(micOn),
  });
export const leaveMedia = (socket) => request(socket, "media:leave");
export const sendMediaState = (socket, cameraOn, micOn) =>
  request(socket, "media:state", { camera_on: Boolean(cameraOn), mic_on: Boolean(micOn) });
export const onLayout = (socket, handler) => socket.on("media:layout", handler);
