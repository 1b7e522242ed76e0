"""Camera and microphone state of each person, for the facilitators' presence panel.

The media layer (server/media/) calls ``media_state_changed`` whenever a person's camera or
microphone is switched on or off, or their media connection comes up or goes away. The state is
kept in LiveState under ``media_presence`` with the time each part last changed, so the panel can
say "camera off for 4 minutes" or "connected without media" on any server process. The session
loop sends it to the staff with the talk-time figures every second.
"""

from __future__ import annotations

from typing import Any

from server.services.runtime import Runtime

MEDIA_PRESENCE = "media_presence"


async def media_state_changed(
    rt: Runtime,
    session_id: str,
    person_id: str,
    *,
    camera_on: bool,
    mic_on: bool,
    connected_media: bool,
) -> dict[str, Any]:
    """Record a person's media state now. Each ``*_since_ms`` keeps the moment that part last
    changed (a repeated report changes nothing); ``since_ms`` is the latest of them. Returns
    the stored entry."""
    now_ms = rt.clock.now_ms()
    stored: list[dict[str, Any]] = []

    def change(raw: dict[str, Any] | None) -> dict[str, Any]:
        people = dict(raw or {})
        old = people.get(person_id)
        entry: dict[str, Any] = {
            "camera_on": camera_on,
            "mic_on": mic_on,
            "connected_media": connected_media,
        }
        for part in ("camera_on", "mic_on", "connected_media"):
            key = (
                part.replace("_on", "") + "_since_ms"
                if part != "connected_media"
                else ("media_since_ms")
            )
            same = old is not None and old[part] == entry[part]
            entry[key] = old[key] if same and old is not None else now_ms
        entry["since_ms"] = max(
            entry["camera_since_ms"], entry["mic_since_ms"], entry["media_since_ms"]
        )
        people[person_id] = entry
        stored.clear()
        stored.append(entry)
        return people

    await rt.live.update_json(session_id, MEDIA_PRESENCE, change)
    return stored[0]


async def media_states(rt: Runtime, session_id: str) -> dict[str, dict[str, Any]]:
    """Everyone's last reported media state, by person id."""
    return await rt.live.get_json(session_id, MEDIA_PRESENCE) or {}
