// One upstream RTCPeerConnection per the browser contract of docs/media.md: sendonly
// microphone and camera, N recvonly audio/video slot pairs, the offer sent once ICE gathering
// is complete, no renegotiation ever. It recovers by itself: a connection that fails (or stays
// disconnected for a few seconds) is torn down and joined again, without reloading the page.
//
// "Camera off" means off: the camera track is stopped (the camera light goes out) and the
// camera's sender carries no track, so no frames leave the browser. The camera m-line stays
// in the connection, so switching back on is a new getUserMedia track put on the same sender
// with replaceTrack: no renegotiation. A rejoin keeps the camera as the person left it.
import { mediaConfig, joinMedia, leaveMedia, sendMediaState, onLayout } from "./socket.js";
import { isRateLimited, retryAfterMs } from "../../lib/socket.js";

const DISCONNECTED_GRACE_MS = 4000;
const GATHERING_LIMIT_MS = 5000;
const RETRY_MS = [1000, 2000, 4000, 8000, 15000];
const CAMERA = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } };
// getUserMedia errors that mean "no usable camera" rather than "not allowed at all"
const NO_CAMERA = ["NotFoundError", "NotReadableError", "OverconstrainedError", "AbortError"];

const live = (track) => track.readyState === "live";

/** Plain words for a camera that could not be switched on (the rest keeps working). */
export function cameraProblem(error) {
  const name = error && error.name;
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Your browser did not let us use your camera, so it stays off. You can still talk and listen. To use it, allow the camera for this site in your browser's settings, then switch it on again.";
  }
  if (name === "CameraEnded") {
    return "Your camera stopped working, so it is off now. You can still talk and listen, and switch it on again.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "We could not find a camera, so it stays off. You can still talk and listen.";
  }
  return "Your camera could not be started (another app may be using it), so it stays off. You can still talk and listen, and try again.";
}

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
 * handlers: {onLocalStream(stream), onSlots(slots), onLayout(layout), onState(phase, problem),
 * onCamera(on, problem)}. `slots[i]` is {audio: MediaStreamTrack, video: MediaStreamTrack|null}
 * for receive slot i. `onLocalStream` is called again whenever the camera track comes or goes;
 * `onCamera(false, problem)` when the camera was wanted but could not be started.
 */
export function createMediaConnection(getSocket, handlers) {
  let pc = null;
  let videoSender = null; // the camera's sender in `pc` (null in audio-only connections)
  let stream = null;
  let cameraTurn = 0; // every camera switch counts, so a late getUserMedia is thrown away
  let config = null;
  let audioOnly = false;
  let micOn = true;
  let cameraOn = true;
  let generation = 0;
  let wanted = false;
  let retries = 0;
  let retryTimer = null;
  let graceTimer = null;
  let reportTimer = null;

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
    videoSender = null;
    if (pc) { pc.onconnectionstatechange = null; pc.close(); pc = null; }
  }

  function stopStream() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
  }

  const wantCamera = () => cameraOn && !audioOnly;
  const cameraLive = () => Boolean(stream && stream.getVideoTracks().some(live));

  /** Stop and drop the camera track (the camera light goes out). */
  function dropCamera() {
    if (!stream) return;
    for (const track of stream.getVideoTracks()) { stream.removeTrack(track); track.stop(); }
  }

  /** Drop tracks that ended by themselves (a camera unplugged, a device taken away), so an
   * ended track is never published again. */
  function dropEnded() {
    if (!stream) return;
    for (const track of stream.getTracks()) if (!live(track)) stream.removeTrack(track);
  }

  function cameraFailed(error) {
    cameraOn = false;
    dropCamera();
    if (handlers.onCamera) handlers.onCamera(false, cameraProblem(error));
  }

  /** A camera track that ends without us stopping it (unplugged, taken by the system): the
   * camera is off, and the person and the room are told so. */
  function watchCamera(track) {
    track.addEventListener("ended", () => {
      if (!stream || !stream.getVideoTracks().includes(track)) return; // we stopped it
      if (videoSender && videoSender.track === track) videoSender.replaceTrack(null).catch(() => {});
      cameraTurn += 1;
      cameraFailed({ name: "CameraEnded" });
      handlers.onLocalStream(stream);
      report();
    });
    return track;
  }

  async function getStream(withCamera) {
    let got;
    try {
      got = await navigator.mediaDevices.getUserMedia({ audio: true, video: withCamera ? CAMERA : false });
    } catch (error) {
      if (!withCamera || !NO_CAMERA.includes(error.name)) throw error;
      // no usable camera: carry on with the microphone, the camera off (it can be tried again)
      got = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      cameraFailed(error);
    }
    got.getVideoTracks().forEach(watchCamera);
    return got;
  }

  function applyMic() {
    if (stream) stream.getAudioTracks().forEach((t) => { t.enabled = micOn; });
  }

  /** Tell the server what the others should see: the camera is on only while a live camera
   * track is being sent. Switched on and off too quickly, the server refuses a report
   * (`rate_limited`): the camera and microphone have already changed here, so the state as it
   * is by then is sent again once the server takes it, and the room catches up. */
  function report() {
    clearTimeout(reportTimer);
    reportTimer = null;
    if (!wanted) return;
    sendMediaState(socket(), wantCamera() && cameraLive(), micOn).catch((error) => {
      if (!isRateLimited(error) || !wanted) return;
      clearTimeout(reportTimer);
      reportTimer = setTimeout(report, retryAfterMs(error));
    });
  }

  async function connect() {
    const mine = ++generation;
    clearTimeout(retryTimer);
    closePc();
    handlers.onState(retries ? "reconnecting" : "starting");
    try {
      if (!config) config = await mediaConfig(socket());
      // reuse the local stream across rejoins, but never an ended track, and the camera
      // only while it is wanted: a camera switched off stays off (a wanted camera that is
      // missing comes back after the join, on the camera's sender)
      dropEnded();
      if (!stream || !stream.getAudioTracks().length) {
        stopStream();
        stream = await getStream(wantCamera());
      }
      if (!wantCamera()) dropCamera(); // also when switched off meanwhile
      if (mine !== generation) return;
      applyMic();
      handlers.onLocalStream(stream);

      pc = new RTCPeerConnection({ iceServers: config.ice_servers || [], bundlePolicy: "max-bundle" });
      const [mic] = stream.getAudioTracks();
      preferCodecs(pc.addTransceiver(mic || "audio", { direction: "sendonly" }), "audio");
      if (!audioOnly) {
        // the camera m-line is there even with the camera off (no track: nothing is sent),
        // so it can be switched on later with replaceTrack
        const camera = stream.getVideoTracks().find(live);
        const transceiver = pc.addTransceiver(camera || "video", { direction: "sendonly" });
        preferCodecs(transceiver, "video");
        videoSender = transceiver.sender;
      }
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
      const answer = await joinMedia(socket(), current.localDescription.sdp, {
        audioOnly, cameraOn: wantCamera() && cameraLive(), micOn,
      });
      if (mine !== generation) return;
      if (answer.layout) handlers.onLayout(answer.layout);
      await current.setRemoteDescription({ type: "answer", sdp: answer.answer_sdp });
      // in case the camera or microphone changed while joining
      if (wantCamera() && !cameraLive()) cameraOnAgain(cameraTurn);
      else report();
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

  /** Switch the camera on: a new track from getUserMedia on the camera's sender, or (when
   * the browser refuses) the camera stays off and the view is told why. */
  async function cameraOnAgain(turn) {
    if (!wanted || !stream || audioOnly) return; // connect() gets the camera when it runs
    if (cameraLive()) { report(); return; }
    let track;
    try {
      [track] = (await navigator.mediaDevices.getUserMedia({ video: CAMERA })).getVideoTracks();
      if (!track) throw new DOMException("no video track", "NotFoundError");
    } catch (error) {
      if (turn !== cameraTurn) return;
      cameraFailed(error);
      report();
      return;
    }
    // switched off again, stopped, or a rejoin got a camera meanwhile: this one is not needed
    if (turn !== cameraTurn || !wantCamera() || !wanted || !stream || cameraLive()) {
      track.stop();
      return;
    }
    dropEnded();
    stream.addTrack(watchCamera(track));
    handlers.onLocalStream(stream);
    const sender = videoSender;
    if (sender) {
      try {
        await sender.replaceTrack(track);
      } catch {
        // the connection closed under us: the next join sends the track from the stream
      }
    }
    if (turn === cameraTurn) report();
  }

  return {
    /** Start (or restart) media with the given choice: `cameraOn: false` never opens the
     * camera, `micOn: false` joins muted (both are on unless said otherwise). */
    start(options = {}) {
      if (options.audioOnly !== undefined) audioOnly = Boolean(options.audioOnly);
      cameraOn = !audioOnly && options.cameraOn !== false;
      if (options.micOn !== undefined) micOn = Boolean(options.micOn);
      cameraTurn += 1;
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
    /** Switch audio only on or off; leaving it, the camera comes on unless `camera` is false. */
    setAudioOnly(value, camera = true) {
      audioOnly = Boolean(value);
      cameraOn = !audioOnly && Boolean(camera);
      cameraTurn += 1;
      if (wanted) { retries = 0; connect(); }
    },
    setMic(on) {
      micOn = on;
      applyMic();
      report();
    },
    /** Off: the sender stops carrying the camera and the track is stopped at once (camera
     * light off). On: a new camera track on the same sender. Resolves when done. */
    setCamera(on) {
      cameraOn = Boolean(on) && !audioOnly;
      const turn = ++cameraTurn;
      if (cameraOn) return cameraOnAgain(turn);
      if (videoSender) videoSender.replaceTrack(null).catch(() => {});
      if (stream && stream.getVideoTracks().length) {
        dropCamera();
        handlers.onLocalStream(stream);
      }
      report();
      return Promise.resolve();
    },
    stop() {
      wanted = false;
      generation += 1;
      clearTimeout(retryTimer);
      clearTimeout(reportTimer);
      closePc();
      stopStream();
      if (socket() && socket().connected) leaveMedia(socket()).catch(() => {});
      handlers.onState("off");
    },
    get stats() { return pc; },
    /** The local side, for the debug accessor: the stream's tracks and what the camera's
     * sender carries ("none" when nothing). */
    local() {
      return {
        tracks: stream ? stream.getTracks().map((t) => ({ kind: t.kind, readyState: t.readyState, enabled: t.enabled })) : [],
        cameraSender: !videoSender ? null : (videoSender.track ? videoSender.track.readyState : "none"),
      };
    },
    /** What has arrived so far on one of our receiving tracks, from getStats's inbound-rtp
     * (cumulative for the track's life, whoever the server sent on it), or null. */
    async received(track) {
      const receiver = pc && track ? pc.getReceivers().find((r) => r.track === track) : null;
      if (!receiver) return null;
      const total = { bytes: 0, packets: 0, frames: 0 };
      (await receiver.getStats()).forEach((s) => {
        if (s.type === "inbound-rtp") {
          total.bytes += s.bytesReceived || 0;
          total.packets += s.packetsReceived || 0;
          total.frames += s.framesReceived || 0;
        }
      });
      return total;
    },
  };
}
