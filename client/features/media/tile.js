// One tile of the video grid: the person's video, or (camera off, or audio only) a placeholder
// with their initials in a circle and the reason as text; "Microphone off" as text whenever
// their microphone is off. The tile's accessible name says all of it ("Robin: camera off,
// microphone on"). The video element stays in the tile, hidden, so its audio keeps playing.
import { h } from "../../lib/dom.js";
import { tileView } from "./state.js";

export function createTile(video, attrs = {}) {
  const initials = h("span", { class: "media-initials", "aria-hidden": "true" });
  const reason = h("span", { class: "media-placeholder-text" });
  const placeholder = h("div", { class: "media-placeholder", hidden: true, "data-testid": "camera-off" }, initials, reason);
  const mic = h("span", { class: "media-mic-off", hidden: true }, "Microphone off");
  const label = h("figcaption", {});
  const el = h("figure", { class: "media-tile", ...attrs }, video, placeholder, mic, label);

  /** {name, cameraOn, micOn, hasVideo}: see tileView. `name` is the caption, as it is. */
  function show(state) {
    const view = tileView(state);
    label.textContent = state.name;
    el.setAttribute("aria-label", view.summary);
    el.classList.toggle("media-off", !view.videoShown);
    placeholder.hidden = view.videoShown;
    reason.textContent = view.placeholder || "";
    initials.textContent = view.initials;
    mic.hidden = !view.micOff;
  }

  return { el, video, label, show };
}
