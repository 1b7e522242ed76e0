// One upstream RTCPeerConnection per the browser contract of docs/media.md: sendonly
// microphone and camera, N recvonly audio/video slot pairs, the offer sent once ICE gathering
// is complete, no renegotiation ever. It recovers by itself: a connection that fails (or stays
// disconnected for a few seconds) is torn down and joined again, without reloading the page.
import { mediaConfig, joinMedia, leaveMedia, sendMediaState, onLayout } from "./socket.js";

const DISCONNECTED_GRACE_MS = 4000;
const GATHERING_LIMIT_MS = 5000;
const RETRY_MS = [1000, 2000, 4000, 8000, 15000];

function preferCodecs(transceiver, kind) {
  const caps = window.RTCRtpReceiver && RTCRtpReceiver.getCapabilities && RTCRtpReceiver.getCapabilities(kind);
  if (!caps || !transceiver.setCodecPreferences) return;
  const wanted = kind === "audio" ? ["audio/opus"] : ["video/vp8", "video/rtx"];
  const codecs = caps.codecs.filter((c) => wanted.includes(c.mimeType.toLowerCase()));
  try { if (codecs.length) transceiver.setCodecPreferences(codecs); } catch { /* keep the browser's order */ }
}

function gatheringComplete(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(done, GATHERING_LIMIT_MS); // send what we have rather than hang
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") { clearTimeout(timer); done(); }
    });
  });
}

/**
 * handlers: {onLocalStream(stream), onSlots(slots), onLayout(layout), onState(phase, problem)}.
 * `slots[i]` is {audio: MediaStreamTrack, video: MediaStreamTrack|null} for receive slot i.
 */
export function createMediaConnection(getSocket, handlers) {
  let pc = null;
  let stream = null;
  let config = null;
  let audioOnly = false;
  let micOn = true;
  let cameraOn = true;
  let generation = 0;
  let wanted = false;
  let retries = 0;
  let retryTimer = null;
  let graceTimer = null;

  let listening = null;
  function socket() {
    const current = getSocket();
    if (current && listening !== current) { // the console creates its socket after the panel
      listening = current;
      onLayout(current, (layout) => { if (wanted) handlers.onLayout(layout); });
    }
    return current;
  }

  function closePc() {
    clearTimeout(graceTimer);
    if (pc) { pc.onconnectionstatechange = null; pc.close(); pc = null; }
  }

  function stopStream() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
  }

  async function getStream() {
    const video = audioOnly ? false : { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } };
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: true, video });
    } catch (error) {
      if (!video || (error.name !== "NotFoundError" && error.name !== "NotReadableError")) throw error;
      audioOnly = true; // no usable camera: carry on with the microphone
      return navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    }
  }

  function applyToggles() {
    if (!stream) return;
    stream.getAudioTracks().forEach((t) => { t.enabled = micOn; });
    stream.getVideoTracks().forEach((t) => { t.enabled = cameraOn; });
  }

  async function connect() {
    const mine = ++generation;
    clearTimeout(retryTimer);
    closePc();
    handlers.onState(retries ? "reconnecting" : "starting");
    try {
      if (!config) config = await mediaConfig(socket());
      const needVideo = !audioOnly;
      if (!stream || (needVideo && stream.getVideoTracks().length === 0) || stream.getTracks().some((t) => t.readyState === "ended")) {
        stopStream();
        stream = await getStream();
      }
      if (!needVideo || audioOnly) stream.getVideoTracks().forEach((t) => { t.stop(); stream.removeTrack(t); });
      if (mine !== generation) return;
      applyToggles();
      handlers.onLocalStream(stream);

      pc = new RTCPeerConnection({ iceServers: config.ice_servers || [], bundlePolicy: "max-bundle" });
      const [mic] = stream.getAudioTracks();
      preferCodecs(pc.addTransceiver(mic || "audio", { direction: "sendonly" }), "audio");
      const [camera] = stream.getVideoTracks();
      if (camera) preferCodecs(pc.addTransceiver(camera, { direction: "sendonly" }), "video");
      const receivers = [];
      for (let i = 0; i < config.slots; i++) {
        const audio = pc.addTransceiver("audio", { direction: "recvonly" });
        preferCodecs(audio, "audio");
        const video = audioOnly ? null : pc.addTransceiver("video", { direction: "recvonly" });
        if (video) preferCodecs(video, "video");
        receivers.push({ audio: audio.receiver.track, video: video ? video.receiver.track : null, audioT: audio, videoT: video });
      }
      const current = pc;
      current.onconnectionstatechange = () => watch(current, mine);
      await current.setLocalDescription(await current.createOffer());
      await gatheringComplete(current);
      if (mine !== generation) return;
      handlers.onSlots(receivers.map((r) => ({ audio: r.audio, video: r.video, audioMid: r.audioT.mid, videoMid: r.videoT ? r.videoT.mid : null })));
      const answer = await joinMedia(socket(), current.localDescription.sdp, audioOnly);
      if (mine !== generation) return;
      if (answer.layout) handlers.onLayout(answer.layout);
      await current.setRemoteDescription({ type: "answer", sdp: answer.answer_sdp });
      sendMediaState(socket(), cameraOn && !audioOnly, micOn).catch(() => {});
    } catch (error) {
      if (mine !== generation) return;
      closePc();
      if (error && (error.name === "NotAllowedError" || error.name === "SecurityError" || error.name === "NotFoundError")) {
        wanted = false;
        stopStream();
        handlers.onState("denied", error.name);
        return;
      }
      scheduleRetry(error);
    }
  }

  function scheduleRetry(error) {
    if (!wanted) return;
    const delay = RETRY_MS[Math.min(retries, RETRY_MS.length - 1)];
    retries += 1;
    handlers.onState("reconnecting", error && error.message ? error.message : null);
    retryTimer = setTimeout(() => { if (wanted && socket().connected) connect(); }, delay);
  }

  function watch(current, mine) {
    if (current !== pc || mine !== generation) return;
    const state = current.connectionState;
    if (state === "connected") {
      retries = 0;
      clearTimeout(graceTimer);
      handlers.onState("on");
    } else if (state === "failed") {
      scheduleRetry(null);
    } else if (state === "disconnected") {
      clearTimeout(graceTimer);
      graceTimer = setTimeout(() => { if (current === pc && pc.connectionState !== "connected") scheduleRetry(null); }, DISCONNECTED_GRACE_MS);
    }
  }

  return {
    /** Start (or restart) media with the given choice. */
    start(options = {}) {
      if (options.audioOnly !== undefined) audioOnly = Boolean(options.audioOnly);
      cameraOn = !audioOnly;
      wanted = true;
      retries = 0;
      return connect();
    },
    /** The socket came back: the server closed our media with the old connection. */
    resume() {
      if (!wanted) return;
      retries = 1;
      connect();
    },
    /** The socket dropped: keep the camera and microphone, drop the peer connection. */
    pause() {
      if (!wanted) return;
      generation += 1;
      closePc();
      handlers.onState("reconnecting");
    },
    setAudioOnly(value) {
      audioOnly = Boolean(value);
      cameraOn = !audioOnly;
      if (wanted) { retries = 0; connect(); }
    },
    setMic(on) {
      micOn = on;
      applyToggles();
      if (wanted) sendMediaState(socket(), cameraOn && !audioOnly, micOn).catch(() => {});
    },
    setCamera(on) {
      cameraOn = on;
      applyToggles();
      if (wanted) sendMediaState(socket(), cameraOn && !audioOnly, micOn).catch(() => {});
    },
    stop() {
      wanted = false;
      generation += 1;
      clearTimeout(retryTimer);
      closePc();
      stopStream();
      if (socket() && socket().connected) leaveMedia(socket()).catch(() => {});
      handlers.onState("off");
    },
    get stats() { return pc; },
    /** What has arrived so far on one of our receiving tracks, from getStats's inbound-rtp
     * (cumulative for the track's life, whoever the server sent on it), or null. */
    async received(track) {
      const receiver = pc && track ? pc.getReceivers().find((r) => r.track === track) : null;
      if (!receiver) return null;
      const total = { bytes: 0, packets: 0 };
      (await receiver.getStats()).forEach((s) => {
        if (s.type === "inbound-rtp") { total.bytes += s.bytesReceived || 0; total.packets += s.packetsReceived || 0; }
      });
      return total;
    },
  };
}
