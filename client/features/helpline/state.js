// Signposting shown on every peer screen. The helpline is fixed; the resources come from the
// server (GET /api/signposting, configured by an admin). DEFAULT_RESOURCES is only the fallback
// when the server has none or cannot be reached.

export const HELPLINE = {
  name: "National Gambling Helpline",
  number: "0808 8020 133",
  tel: "tel:08088020133",
  note: "free, 24 hours",
};

export const DEFAULT_RESOURCES = [
  { name: "GamCare", description: "Live chat and support for anyone affected by gambling", url: "https://www.gamcare.org.uk/" },
  { name: "GamStop", description: "Block yourself from online gambling sites in Great Britain", url: "https://www.gamstop.co.uk/" },
  { name: "Gamblers Anonymous", description: "Peer support meetings", url: "https://www.gamblersanonymous.org.uk/" },
  { name: "Samaritans", description: "Call 116 123, any time, free — if you are struggling or feeling unsafe", url: "https://www.samaritans.org/" },
];

export function mergeResources(defaults, extra) {
  const seen = new Set(defaults.map((r) => r.url));
  return [...defaults, ...(extra || []).filter((r) => r && r.url && !seen.has(r.url))];
}
