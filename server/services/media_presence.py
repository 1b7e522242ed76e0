"""Camera and microphone state of each person: for the facilitators' presence panel, and
(camera and microphone on or off only) for everyone in the same room, whose tiles show a
placeholder instead of a black frame while someone's camera is off.

The media layer (server/media/) calls ``media_state_changed`` whenever a person's camera or
microphone is switched on or off, or their media connection comes up or goes away. The state is
kept in LiveState under ``media_presence`` with the time each part last changed, so the panel can
say "camera off for 4 minutes" or "connected without media" on any server process. The session
loop sends it to the staff with the talk-time figures every second; the room's participant
list carries ``room_view`` of it (``runtime.announce_participants``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # runtime reads room_view; importing it at run time would be circular
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
) -> bool:
    """Record a person's media state now. Each ``*_since_ms`` keeps the moment that part last
    changed (a repeated report changes nothing); ``since_ms`` is the latest of them. Returns
    whether what the person's room sees of it (``room_view``) changed."""
    now_ms = rt.clock.now_ms()
    views: list[dict[str, bool]] = []

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
        views[:] = [room_view(old), room_view(entry)]
        return people

    await rt.live.update_json(session_id, MEDIA_PRESENCE, change)
    return views[0] != views[1]


def room_view(entry: dict[str, Any] | None) -> dict[str, bool]:
    """What the others in a person's room may know of their media: camera and microphone on or
    off. Never the timings or "connected without media", which are for the facilitators. No
    media connection reads as both off."""
    if entry is None:
        return {"camera_on": False, "mic_on": False}
    return {"camera_on": bool(entry["camera_on"]), "mic_on": bool(entry["mic_on"])}


async def media_states(rt: Runtime, session_id: str) -> dict[str, dict[str, Any]]:
    """Everyone's last reported media state, by person id."""
    return await rt.live.get_json(session_id, MEDIA_PRESENCE) or {}
