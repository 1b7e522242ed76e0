// The video grid (self-view first, muted and mirrored; one tile per person the server sends
// us, labelled with their name, showing a placeholder while their camera is off) and the
// controls: join with video or audio only, microphone and camera toggles, switch to audio
// only at any time, and a plain explanation when the browser refuses the camera or
// microphone (chat keeps working). Audio only, camera off and microphone off are remembered
// in this browser (state.js CHOICE_KEYS), so a reload comes back the way the person left it.
import { h, mount } from "../../lib/dom.js";
import { initialMedia, setPhase, setChoice, rememberedMedia, toggle, cameraRefused, slotTiles, CHOICE_KEYS } from "./state.js";
import { createMediaConnection } from "./connection.js";
import { createTile } from "./tile.js";

const PHASE_TEXT = {
  starting: "Connecting video and audio…",
  reconnecting: "Reconnecting video and audio…",
  on: "",
  off: "Video and audio are off.",
};

/** The remembered flags, {audioOnly, cameraOff, micOff}: all false when nothing is stored. */
function rememberedChoice() {
  const flags = {};
  for (const [flag, key] of Object.entries(CHOICE_KEYS)) {
    try { flags[flag] = localStorage.getItem(key) === "1"; } catch { flags[flag] = false; }
  }
  return flags;
}

/** Remember one flag of CHOICE_KEYS (`on`), or forget it. */
function rememberChoice(flag, on) {
  try {
    if (on) localStorage.setItem(CHOICE_KEYS[flag], "1");
    else localStorage.removeItem(CHOICE_KEYS[flag]);
  } catch { /* private mode: this visit only */ }
}

/** Said before joining, so "Join with video" does not read as "your camera will come on". */
function keptOffText({ cameraOff, micOff }) {
  if (cameraOff && micOff) return "Your camera and microphone will stay off, as you left them. You can switch them on once you have joined.";
  if (cameraOff) return "Your camera will stay off, as you left it. You can switch it on once you have joined.";
  if (micOff) return "Your microphone will stay off, as you left it. You can switch it on once you have joined.";
  return "";
}

export function createMediaPanel({ getSocket, selfName = "" }) {
  // the person's choices ({audioOnly, cameraOff, micOff}), held here for this visit and kept in
  // this browser for the next (remember): with storage blocked they still hold until a reload
  const choice = rememberedChoice();
  let media = rememberedMedia(initialMedia, choice);
  let layout = null;
  let slots = [];
  let participants = [];
  let selfHasVideo = false;
  let selfTrack = null; // the camera track the self-view shows
  const tiles = new Map(); // slot index -> {el, video, label, show, tracks}

  const status = h("p", { class: "hint", role: "status", "aria-live": "polite" });
  const cameraNotice = h("p", { class: "notice notice-info", role: "status", "aria-live": "polite", hidden: true });
  const selfVideo = h("video", { class: "media-video media-self", autoplay: true, playsinline: true, muted: true, "aria-label": "Your camera" });
  selfVideo.muted = true;
  const selfTile = createTile(selfVideo, { "data-self": "true" });
  const grid = h("div", { class: "media-grid", "aria-label": "Video of people in the room" }, selfTile.el);
  const micButton = h("button", { type: "button", class: "small", "aria-pressed": "true", onclick: () => update(toggle(media, "mic"), "mic") }, "Microphone on");
  const cameraButton = h("button", { type: "button", class: "small", "aria-pressed": "true", onclick: () => update(toggle(media, "camera"), "camera") }, "Camera on");
  const audioOnlyButton = h("button", { type: "button", class: "small secondary", "aria-pressed": "false", onclick: () => switchAudioOnly(!media.audioOnly) }, "Audio only");
  const unblock = h("button", { type: "button", class: "small", hidden: true, onclick: () => playAll(true) }, "Tap to hear everyone");
  const controls = h("div", { class: "row media-controls", role: "group", "aria-label": "Your camera and microphone" }, micButton, cameraButton, audioOnlyButton, unblock);
  const keptOff = h("p", { class: "hint", hidden: true });
  const chooser = h("div", { class: "stack media-choice" },
    h("p", {}, "Join with your camera and microphone, or with audio only if your connection is weak or you'd rather not be seen. You can change this at any time."),
    h("div", { class: "row" },
      h("button", { type: "button", onclick: () => begin(false) }, "Join with video"),
      h("button", { type: "button", class: "secondary", onclick: () => begin(true) }, "Join audio only")),
    keptOff);
  const denied = h("div", { class: "notice notice-info stack", hidden: true },
    h("p", {}, "Your browser did not let us use your microphone or camera, so you are in the session with chat only. Everyone else can still read what you write."),
    h("p", {}, "To talk, allow the microphone (and camera if you like) for this site in your browser's settings, then try again."),
    h("button", { type: "button", class: "small", onclick: () => begin(media.audioOnly) }, "Try again"));
  const el = h("section", { class: "card stack media-panel", "aria-labelledby": "media-heading" },
    h("h2", { id: "media-heading" }, "Video"), status, chooser, denied, cameraNotice, controls, grid);

  const connection = createMediaConnection(getSocket, {
    onLocalStream: (stream) => {
      // the self-view shows the live camera track, or nothing once it is stopped
      const track = stream.getVideoTracks().find((t) => t.readyState === "live") || null;
      selfHasVideo = Boolean(track);
      if (track !== selfTrack) {
        selfTrack = track;
        selfVideo.srcObject = track ? new MediaStream([track]) : null;
      }
      draw();
    },
    onSlots: (next) => { slots = next; draw(); },
    onLayout: (next) => { layout = next; draw(); },
    onState: (phase, problem) => { media = setPhase(media, phase, problem); draw(); },
    onCamera: (on, problem) => { if (!on) media = cameraRefused(media, problem); draw(); },
  });

  // the camera and microphone start as the person left them: a camera switched off is never
  // opened, not even for a moment, and the room is told it is off from the join on
  function begin(audioOnly) {
    remember("audioOnly", audioOnly);
    media = setChoice(media, audioOnly, !choice.cameraOff);
    connection.start({ audioOnly, cameraOn: media.cameraOn, micOn: media.micOn });
    draw();
  }

  function switchAudioOnly(audioOnly) {
    remember("audioOnly", audioOnly);
    media = setChoice(media, audioOnly, !choice.cameraOff);
    connection.setAudioOnly(audioOnly, media.cameraOn);
    draw();
  }

  function update(next, what) {
    media = next;
    if (what === "mic") {
      remember("micOff", !media.micOn);
      connection.setMic(media.micOn);
    } else {
      remember("cameraOff", !media.cameraOn);
      connection.setCamera(media.cameraOn);
    }
    draw();
  }

  function remember(flag, on) {
    choice[flag] = on;
    rememberChoice(flag, on);
  }

  function playAll(fromGesture) {
    for (const tile of tiles.values()) {
      tile.video.play().then(() => { if (fromGesture) unblock.hidden = true; })
        .catch(() => { unblock.hidden = false; });
    }
  }

  function tileFor(index) {
    let tile = tiles.get(index);
    if (!tile) {
      const video = h("video", { class: "media-video", autoplay: true, playsinline: true });
      tile = { ...createTile(video, { "data-slot": String(index), "data-testid": "media-tile" }), tracks: [] };
      tiles.set(index, tile);
    }
    return tile;
  }

  function draw() {
    const choosing = media.phase === "choose";
    chooser.hidden = !choosing;
    if (choosing) {
      keptOff.textContent = keptOffText(choice);
      keptOff.hidden = !keptOff.textContent;
    }
    denied.hidden = media.phase !== "denied";
    controls.hidden = choosing || media.phase === "denied" || media.phase === "off";
    grid.hidden = choosing || media.phase === "denied";
    status.textContent = media.problem && media.phase === "reconnecting" ? `${PHASE_TEXT.reconnecting} (${media.problem})` : (PHASE_TEXT[media.phase] || "");
    cameraNotice.hidden = !media.cameraProblem || controls.hidden;
    cameraNotice.textContent = media.cameraProblem || "";
    micButton.setAttribute("aria-pressed", String(media.micOn));
    micButton.textContent = media.micOn ? "Microphone on" : "Microphone off";
    cameraButton.setAttribute("aria-pressed", String(media.cameraOn && !media.audioOnly));
    cameraButton.textContent = media.cameraOn && !media.audioOnly ? "Camera on" : "Camera off";
    cameraButton.disabled = media.audioOnly;
    audioOnlyButton.setAttribute("aria-pressed", String(media.audioOnly));
    selfTile.show({
      name: selfName ? `${selfName} (you)` : "You",
      initialsOf: selfName || "You",
      // "camera on" only while the camera really runs (not while it is still starting)
      cameraOn: media.cameraOn && !media.audioOnly && selfHasVideo,
      micOn: media.micOn,
    });

    const shown = slotTiles(layout, participants);
    const keep = new Set();
    for (const item of shown) {
      const slot = slots[item.index];
      if (!slot) continue;
      const tile = tileFor(item.index);
      keep.add(item.index);
      tile.show({ name: item.name, cameraOn: item.cameraOn, micOn: item.micOn, hasVideo: Boolean(slot.video) });
      tile.el.setAttribute("data-person-id", item.personId);
      tile.video.setAttribute("aria-label", `Video of ${item.name}`);
      const tracks = [slot.audio, slot.video].filter(Boolean);
      if (tracks.length !== tile.tracks.length || tracks.some((t, i) => t !== tile.tracks[i])) {
        tile.tracks = tracks;
        tile.video.srcObject = new MediaStream(tracks);
        playAll(false);
      }
    }
    for (const [index, tile] of tiles) {
      if (!keep.has(index)) { tile.video.srcObject = null; tile.tracks = []; tiles.delete(index); }
    }
    mount(grid, selfTile.el, [...keep].sort((a, b) => a - b).map((i) => tiles.get(i).el));
  }

  /**
   * Debug accessor, for browser tests and for looking into a call from the devtools console
   * (`await holdspaceMedia.receiving()`); read-only, nothing in the app uses it. One entry per
   * receive slot: who the server says it carries (null when idle), the name on its tile, and
   * the audio/video bytes and packets (and video frames) received on it so far (getStats
   * inbound-rtp). `local()`: our own tracks and what the camera's sender carries.
   */
  async function receiving() {
    return Promise.all(slots.map(async (slot, index) => {
      const assigned = layout && layout.slots.find((s) => s.index === index);
      const tile = tiles.get(index);
      const [audio, video] = await Promise.all([connection.received(slot.audio), connection.received(slot.video)]);
      return {
        index,
        personId: assigned ? assigned.participant_id : null,
        name: tile ? tile.label.textContent : null,
        audioBytes: audio ? audio.bytes : 0, audioPackets: audio ? audio.packets : 0,
        videoBytes: video ? video.bytes : 0, videoPackets: video ? video.packets : 0,
        videoFrames: video ? video.frames : 0,
      };
    }));
  }
  globalThis.holdspaceMedia = { receiving, local: () => connection.local() };

  draw();
  return {
    el,
    /** Names and camera/microphone state for the tiles come from the room's participant
     * list; `selfName` names the self-view when it was not known at creation. */
    render(nextParticipants, { selfName: name } = {}) {
      participants = nextParticipants || [];
      if (name) selfName = name;
      draw();
    },
    onSocketConnected() { connection.resume(); },
    onSocketDisconnected() { connection.pause(); },
    destroy() { connection.stop(); },
  };
}
