// Signposting: public read, admin write (docs/protocol.md).
import { get, put } from "../../lib/api.js";

export const fetchSignposting = () => get("/api/signposting");
export const saveResources = (resources) => put("/api/signposting", { resources });
