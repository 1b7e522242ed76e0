// Pure conversions between admin forms and API payloads.

export const AUDIENCES = [
  ["mixed", "Mixed"],
  ["women_only", "Women only"],
  ["men_only", "Men only"],
  ["affected_others", "People affected by someone else's gambling"],
  ["people_who_gamble", "People who gamble"],
];
export const FORMATS = [["drop_in", "Drop-in"], ["closed", "Closed group"]];

/** The group a page opens on: the one with `rememberedId` if listed, else the first (or null). */
export const pickGroup = (groups, rememberedId) =>
  groups.find((g) => g.id === rememberedId) || groups[0] || null;

export const labelFor = (pairs, value) => (pairs.find(([v]) => v === value) || [value, value])[1];

export const CONTACT_POLICIES = [
  ["off", "Don't ask for contact details"],
  ["optional", "Ask, but peers may skip"],
  ["required", "Required before waiting in the lobby"],
];

const countOrNull = (value) => (String(value ?? "").trim() === "" ? null : Number.parseInt(value, 10));

export function groupPayload({ name, description, audience, format, capacity, rules, facilitatorIds, contactPolicy = "off", retentionDays = 180, muteAfter = "", removeAfter = "" }) {
  return {
    contact_policy: contactPolicy,
    retention_days: Number.parseInt(retentionDays, 10),
    breach_policy: { mute_after: countOrNull(muteAfter), remove_after: countOrNull(removeAfter) },
    name: name.trim(),
    description: description.trim(),
    audience,
    format,
    capacity: Number.parseInt(capacity, 10),
    ground_rules: rules.map((r) => r.trim()).filter(Boolean),
    facilitator_ids: facilitatorIds,
  };
}

/** A <input type="datetime-local"> value (local time, no zone) as ISO 8601 with the offset. */
export function localInputToIso(value) {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const offsetMin = -date.getTimezoneOffset();
  const sign = offsetMin >= 0 ? "+" : "-";
  const abs = Math.abs(offsetMin);
  const pad = (n) => String(n).padStart(2, "0");
  return `${value.length === 16 ? `${value}:00` : value}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An ISO time as a value for <input type="datetime-local">. */
export function isoToLocalInput(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function sessionPayload({ theme, start, end, leadId, coId }) {
  return {
    theme: theme.trim() || null,
    scheduled_start: localInputToIso(start),
    scheduled_end: localInputToIso(end),
    lead_id: leadId,
    co_id: coId,
  };
}

/** Client-side checks that save a round trip; the server checks them all again. */
export function checkSessionForm({ start, end, leadId, coId }) {
  if (!start || !end) return "Choose a start and an end time.";
  if (new Date(end) <= new Date(start)) return "The end must be after the start.";
  if (!leadId || !coId) return "Choose a lead and a co-facilitator.";
  if (leadId === coId) return "The lead and the co-facilitator must be two different people.";
  return null;
}

export const facilitatorsOf = (users) => users.filter((u) => u.is_facilitator && !u.disabled);
