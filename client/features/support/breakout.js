// The hook the breakouts feature fills in: console.js shows an "Open breakout" button on each
// support alert. Until registerOpenBreakout(fn) is called the button is disabled with a tooltip.

let openBreakout = null;

export const BREAKOUT_UNAVAILABLE = "Breakouts arrive with media";

/** The breakouts feature calls this once: fn(memberId) opens a breakout with that peer. */
export function registerOpenBreakout(fn) {
  openBreakout = typeof fn === "function" ? fn : null;
}

export const canOpenBreakout = () => openBreakout !== null;

/** Called by the alert's button; does nothing while breakouts are not available. */
export function onOpenBreakout(memberId) {
  return openBreakout ? openBreakout(memberId) : undefined;
}
