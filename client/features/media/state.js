// Pure media state: what the panel shows. The peer connection itself lives in connection.js.

export const initialMedia = {
  phase: "choose", // choose | starting | on | reconnecting | denied | off
  audioOnly: false,
  cameraOn: true,
  micOn: true,
  problem: null, // plain words for the person, when something went wrong
};

export const AUDIO_ONLY_KEY = "holdspace.media.audioOnly";

export function setPhase(media, phase, problem = null) {
  return media.phase === phase && media.problem === problem ? media : { ...media, phase, problem };
}

export function setChoice(media, audioOnly) {
  return { ...media, audioOnly, cameraOn: !audioOnly };
}

export function toggle(media, what) {
  if (what === "camera") return media.audioOnly ? media : { ...media, cameraOn: !media.cameraOn };
  return { ...media, micOn: !media.micOn };
}

/**
 * Tiles to show for a layout: one per slot that carries someone, labelled with the name the
 * room uses for them (room:participants), in slot order.
 */
export function slotTiles(layout, participants) {
  if (!layout) return [];
  const names = new Map((participants || []).map((p) => [p.id, p.name]));
  return layout.slots
    .filter((slot) => slot.participant_id)
    .map((slot) => ({
      index: slot.index,
      audioMid: slot.audio_mid,
      videoMid: slot.video_mid,
      personId: slot.participant_id,
      name: names.get(slot.participant_id) || "Someone",
    }));
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
