// The audited view of a peer's safeguarding contact (facilitators of the group only).
import { post } from "../../lib/api.js";

export const viewContact = (memberId, reason) =>
  post(`/api/members/${encodeURIComponent(memberId)}/contact/view`, { reason }).then((a) => a.contact);
