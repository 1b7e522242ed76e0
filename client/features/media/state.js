// Pure media state: what the panel shows. The peer connection itself lives in connection.js.

export const initialMedia = {
  phase: "choose", // choose | starting | on | reconnecting | denied | off
  audioOnly: false,
  cameraOn: true,
  micOn: true,
  problem: null, // plain words for the person, when something went wrong
  cameraProblem: null, // plain words when the camera could not be switched on (it stays off)
};

// What this browser remembers of the person's choice across a reload, one localStorage key
// per flag (for this site, like the rest of its localStorage: not per group or session). Only
// on/off flags, nothing that says who they are or where they were; a key is there ("1") only
// while its choice is made and removed when it is undone, so the default leaves nothing.
export const CHOICE_KEYS = {
  audioOnly: "holdspace.media.audioOnly",
  cameraOff: "holdspace.media.cameraOff",
  micOff: "holdspace.media.micOff",
};

export function setPhase(media, phase, problem = null) {
  return media.phase === phase && media.problem === problem ? media : { ...media, phase, problem };
}

/** Audio only or with video; with video, the camera is on unless the person switched it off
 * (`cameraOn` false): a camera-off choice holds across audio only and back. */
export function setChoice(media, audioOnly, cameraOn = true) {
  return { ...media, audioOnly, cameraOn: cameraOn && !audioOnly, cameraProblem: null };
}

/** The panel as the person left it in this browser (`remembered`: the flags of CHOICE_KEYS). */
export function rememberedMedia(media, { audioOnly, cameraOff, micOff }) {
  return { ...setChoice(media, audioOnly, !cameraOff), micOn: !micOff };
}

export function toggle(media, what) {
  if (what === "camera") return media.audioOnly ? media : { ...media, cameraOn: !media.cameraOn, cameraProblem: null };
  return { ...media, micOn: !media.micOn };
}

/** The camera was wanted but could not be started (refused, missing, busy, unplugged): it is
 * off, and `problem` says so in plain words until the person tries again. */
export function cameraRefused(media, problem) {
  return { ...media, cameraOn: false, cameraProblem: problem };
}

/**
 * Tiles to show for a layout: one per slot that carries someone, labelled with the name the
 * room uses for them (room:participants), in slot order, with their camera and microphone
 * state as the server last told the room (on until told otherwise).
 */
export function slotTiles(layout, participants) {
  if (!layout) return [];
  const people = new Map((participants || []).map((p) => [p.id, p]));
  return layout.slots
    .filter((slot) => slot.participant_id)
    .map((slot) => {
      const person = people.get(slot.participant_id);
      return {
        index: slot.index,
        audioMid: slot.audio_mid,
        videoMid: slot.video_mid,
        personId: slot.participant_id,
        name: (person && person.name) || "Someone",
        cameraOn: !person || person.camera_on !== false,
        micOn: !person || person.mic_on !== false,
      };
    });
}

/**
 * Up to two capitals for a placeholder tile, from the first and last words that have a letter
 * or digit: "Robin" -> "R", "sam lee" -> "SL", "Ana (you)" -> "AY"; "?" when there is none.
 */
export function initials(name) {
  const firsts = String(name || "").split(/\s+/)
    .map((word) => Array.from(word).find((ch) => /[\p{L}\p{N}]/u.test(ch)))
    .filter(Boolean);
  if (!firsts.length) return "?";
  const picked = firsts.length === 1 ? firsts : [firsts[0], firsts[firsts.length - 1]];
  return picked.join("").toLocaleUpperCase();
}

/**
 * What one tile shows. The video only while the person's camera is on and there is video to
 * show (`hasVideo` is false when we joined audio only, so we receive none); otherwise a
 * placeholder with their initials and the reason in words. A switched-off camera sends no
 * frames (its video would freeze on the last one), so this follows the server's word
 * (room:participants), not the stream.
 * `summary` is the tile's accessible name; `initialsOf` the name to take initials from when
 * the caption says more ("Robin (you)").
 */
export function tileView({ name, cameraOn, micOn, hasVideo = true, initialsOf = name }) {
  const videoShown = cameraOn && hasVideo;
  const placeholder = videoShown ? null : (cameraOn ? "Audio only" : "Camera off");
  const camera = videoShown ? "camera on" : (cameraOn ? "video not shown, audio only" : "camera off");
  return {
    videoShown,
    placeholder,
    initials: initials(initialsOf),
    micOff: !micOn,
    summary: `${name}: ${camera}, ${micOn ? "microphone on" : "microphone off"}`,
  };
}

/** Which slot a receiving transceiver's mid belongs to, as [index, kind], or null. */
export function slotOfMid(layout, mid) {
  if (!layout) return null;
  for (const slot of layout.slots) {
    if (slot.audio_mid === mid) return [slot.index, "audio"];
    if (slot.video_mid === mid) return [slot.index, "video"];
  }
  return null;
}
