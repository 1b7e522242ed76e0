"""Trigger word lists as admins edit them: versions, validation, diff, revert, and one compiled
matcher per list version, swapped atomically on every server process when an admin saves.

Scope "global" holds the whole lexicon; a group's scope (its id) holds its additions, removals
and exceptions, layered on the global lists by `rules.lexicon.apply_group_overrides`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from facilitator.errors import DomainError
from facilitator.trigger_policy import Policy, policy_of
from rules.lexicon import (
    CATEGORIES,
    TERM_CATEGORIES,
    Lexicon,
    LexiconError,
    apply_group_overrides,
    default_lexicon,
    lexicon_from_dict,
    lexicon_to_dict,
)
from rules.matcher import Hit, Matcher, compile_matcher
from server.errors import ApiError
from server.live.change_bus import ChangeBus
from server.storage.models import AuditEntry, Group, Session, TriggerListVersion

log = logging.getLogger(__name__)

GLOBAL = "global"
CHANNEL = "trigger_lists"
POLICY_CHANNEL = "trigger_policy"
EMPTY_OVERRIDES: dict[str, Any] = {"additions": {}, "removals": {}, "exceptions": {}}


@dataclass(frozen=True)
class Version:
    scope: str
    number: int
    data: dict[str, Any]


def invalid_lists(exc: LexiconError) -> ApiError:
    problems = [{"category": p.category, "term": p.term, "reason": p.reason} for p in exc.problems]
    first = "; ".join(str(p) for p in exc.problems[:3])
    return ApiError("invalid_lists", f"Nothing was saved: {first}", 400, problems=problems)


def normalise_overrides(data: dict[str, Any]) -> dict[str, Any]:
    """Keep only the three override maps, each {category: [str]}, rejecting anything else."""
    unknown = set(data) - set(EMPTY_OVERRIDES)
    if unknown:
        raise ApiError("bad_request", f"Unknown fields: {', '.join(sorted(unknown))}.")
    result: dict[str, Any] = {}
    for key in EMPTY_OVERRIDES:
        value = data.get(key) or {}
        if not isinstance(value, dict) or not all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in value.values()
        ):
            raise ApiError("bad_request", f"'{key}' must map a category to a list of texts.")
        allowed = CATEGORIES if key == "exceptions" else TERM_CATEGORIES
        for category in value:
            if category not in allowed:
                raise ApiError("bad_request", f"'{category}' is not a category for {key}.")
        # blank removals match nothing and are dropped; blank additions and exceptions stay,
        # so validation refuses them ("empty term") instead of saving something else
        keep_blank = key != "removals"
        result[key] = {c: [s for s in v if keep_blank or s.strip()] for c, v in value.items()}
    return result


def build_lexicon(global_data: dict[str, Any] | None, overrides: dict[str, Any] | None) -> Lexicon:
    """The lexicon a group's chat is checked against: global lists plus that group's edits."""
    base = lexicon_from_dict(global_data) if global_data is not None else default_lexicon()
    if not overrides:
        return base
    return apply_group_overrides(
        base, overrides["additions"], overrides["removals"], overrides["exceptions"]
    )


def describe_hits(hits: list[Hit]) -> list[dict[str, Any]]:
    return [
        {"category": h.category, "start": h.start, "end": h.end, "text": h.text, "rule": h.rule}
        for h in hits
    ]


def diff_versions(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Per category, which terms and exceptions were added and removed between two versions."""

    def flat(data: dict[str, Any]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for category, body in data.items():
            if not isinstance(body, dict):
                continue
            items: set[str] = set()
            for key, value in body.items():
                if isinstance(value, list):
                    for item in value:
                        term = item.get("term", "") if isinstance(item, dict) else str(item)
                        items.add(f"{key}: {term}")
                        if isinstance(item, dict):
                            items.update(f"{key}: {a}" for a in item.get("aliases", []))
            out[category] = items
        return out

    before, after = flat(old), flat(new)
    result: dict[str, Any] = {}
    for category in sorted(set(before) | set(after)):
        added = sorted(after.get(category, set()) - before.get(category, set()))
        removed = sorted(before.get(category, set()) - after.get(category, set()))
        if added or removed:
            result[category] = {"added": added, "removed": removed}
    return result


class TriggerLists:
    """Reads and writes list versions and keeps compiled matchers for the running process."""

    def __init__(self, db: async_sessionmaker[Any], bus: ChangeBus) -> None:
        self._db = db
        self._bus = bus
        self._versions: dict[str, Version | None] = {}
        self._matchers: dict[tuple[int, str, int], Matcher] = {}
        self._lock = asyncio.Lock()
        self._session_groups: dict[str, str] = {}  # a session never changes group
        self._policies: dict[str, Policy] = {}
        bus.subscribe(CHANNEL, self._on_change)
        bus.subscribe(POLICY_CHANNEL, self._on_policy_change)

    async def _on_policy_change(self, message: dict[str, Any]) -> None:
        self._policies.pop(str(message.get("group_id", "")), None)

    async def group_and_policy(self, session_id: str) -> tuple[str, Policy]:
        """The group of a session and its trigger policy, cached until an admin changes it."""
        group_id = self._session_groups.get(session_id)
        if group_id is not None and group_id in self._policies:
            return group_id, self._policies[group_id]
        async with self._db() as session:
            if group_id is None:
                group_id = await session.scalar(
                    select(Session.group_id).where(Session.id == session_id)
                )
                if group_id is None:
                    raise DomainError("not_found", "This session does not exist any more.")
                self._session_groups[session_id] = group_id
            settings = await session.scalar(select(Group.settings).where(Group.id == group_id))
        policy = policy_of(settings)
        self._policies[group_id] = policy
        return group_id, policy

    async def group_policy(self, group_id: str) -> tuple[str, Policy]:
        """A group's trigger policy (cached like `group_and_policy`)."""
        if group_id not in self._policies:
            async with self._db() as session:
                settings = await session.scalar(select(Group.settings).where(Group.id == group_id))
            self._policies[group_id] = policy_of(settings)
        return group_id, self._policies[group_id]

    async def policy_changed(self, group_id: str) -> None:
        """Tell every process that a group's trigger policy was saved."""
        await self._bus.publish(POLICY_CHANNEL, {"group_id": group_id})

    async def _on_change(self, message: dict[str, Any]) -> None:
        scope = str(message.get("scope", GLOBAL))
        self._versions.pop(scope, None)
        if scope == GLOBAL:
            self._versions.clear()
        # build the new matcher now, so the next chat message does not pay for compiling
        group = None if scope == GLOBAL else scope
        await self.matcher_for_group(group)

    async def current(self, scope: str) -> Version | None:
        """The newest saved version of a scope (None: global defaults / no group edits)."""
        if scope in self._versions:
            return self._versions[scope]
        async with self._db() as session:
            row = await session.scalar(
                select(TriggerListVersion)
                .where(TriggerListVersion.scope == scope)
                .order_by(TriggerListVersion.number.desc())
                .limit(1)
            )
        version = Version(scope, row.number, row.data) if row else None
        self._versions[scope] = version
        return version

    async def global_data(self) -> dict[str, Any]:
        version = await self.current(GLOBAL)
        return version.data if version else lexicon_to_dict(default_lexicon())

    async def group_overrides(self, group_id: str) -> dict[str, Any]:
        version = await self.current(group_id)
        return version.data if version else dict(EMPTY_OVERRIDES)

    async def matcher_for_group(self, group_id: str | None) -> Matcher:
        """One compiled matcher per (global version, group version); compiled off the loop."""
        glob = await self.current(GLOBAL)
        grp = await self.current(group_id) if group_id else None
        key = (glob.number if glob else 0, group_id or "", grp.number if grp else 0)
        matcher = self._matchers.get(key)
        if matcher is not None:
            return matcher
        async with self._lock:
            matcher = self._matchers.get(key)
            if matcher is None:
                lexicon = build_lexicon(glob.data if glob else None, grp.data if grp else None)
                matcher = await asyncio.to_thread(compile_matcher, lexicon)
                stale = [k for k in self._matchers if k[1] == key[1]]
                for old in stale:
                    del self._matchers[old]
                self._matchers[key] = matcher
        return matcher

    async def matcher_for_try(
        self,
        group_id: str | None,
        draft_lists: dict[str, Any] | None,
        draft_overrides: dict[str, Any] | None,
    ) -> Matcher:
        """The matcher the "try a message" box uses: the saved lists of that group (or the global
        ones), or unsaved edits layered the same way a save would layer them. A draft that does
        not validate is refused like a save (`invalid_lists`)."""
        if draft_lists is None and draft_overrides is None:
            return await self.matcher_for_group(group_id)
        global_data = draft_lists if draft_lists is not None else await self.global_data()
        overrides = draft_overrides
        if overrides is None and group_id is not None:
            overrides = await self.group_overrides(group_id)
        try:
            lexicon = build_lexicon(
                global_data, normalise_overrides(overrides) if overrides else None
            )
            return await asyncio.to_thread(compile_matcher, lexicon)
        except LexiconError as exc:
            raise invalid_lists(exc) from exc

    async def save(
        self,
        scope: str,
        data: dict[str, Any],
        actor_id: str | None,
        summary: str = "",
        *,
        action: str = "trigger_lists.save",
    ) -> Version:
        """Validate and compile first; only then write a new version and tell every process."""
        try:
            if scope == GLOBAL:
                lexicon = lexicon_from_dict(data)
                data = lexicon_to_dict(lexicon)
            else:
                data = normalise_overrides(data)
                lexicon = build_lexicon(await self._global_data_fresh(), data)
            await asyncio.to_thread(compile_matcher, lexicon)
        except LexiconError as exc:
            raise invalid_lists(exc) from exc
        async with self._db() as session:
            newest = await session.scalar(
                select(func.max(TriggerListVersion.number)).where(TriggerListVersion.scope == scope)
            )
            number = (newest or 0) + 1
            session.add(
                TriggerListVersion(
                    scope=scope,
                    number=number,
                    data=data,
                    summary=summary[:300],
                    created_by=actor_id,
                )
            )
            session.add(
                AuditEntry(
                    actor_id=actor_id,
                    action=action,
                    target_type="trigger_lists",
                    target_id=None if scope == GLOBAL else scope,
                    group_id=None if scope == GLOBAL else scope,
                    details={"scope": scope, "number": number, "summary": summary[:300]},
                )
            )
            try:
                await session.commit()
            except IntegrityError as exc:
                raise ApiError(
                    "conflict", "Someone else saved these lists just now. Reload and retry.", 409
                ) from exc
        await self._bus.publish(CHANNEL, {"scope": scope, "number": number})
        return Version(scope, number, data)

    async def _global_data_fresh(self) -> dict[str, Any] | None:
        self._versions.pop(GLOBAL, None)
        version = await self.current(GLOBAL)
        return version.data if version else None

    async def history(self, scope: str) -> list[dict[str, Any]]:
        async with self._db() as session:
            rows = (
                await session.scalars(
                    select(TriggerListVersion)
                    .where(TriggerListVersion.scope == scope)
                    .order_by(TriggerListVersion.number.desc())
                    .limit(200)
                )
            ).all()
        return [
            {
                "number": r.number,
                "summary": r.summary,
                "created_by": r.created_by,
                "created_at": r.created_at.isoformat(),
            }
            for r in rows
        ]

    async def version(self, scope: str, number: int) -> Version:
        if number == 0:
            data = lexicon_to_dict(default_lexicon()) if scope == GLOBAL else EMPTY_OVERRIDES
            return Version(scope, 0, dict(data))
        async with self._db() as session:
            row = await session.scalar(
                select(TriggerListVersion).where(
                    TriggerListVersion.scope == scope, TriggerListVersion.number == number
                )
            )
        if row is None:
            raise ApiError("not_found", f"There is no version {number} of these lists.", 404)
        return Version(scope, row.number, row.data)

    async def diff(self, scope: str, old: int, new: int) -> dict[str, Any]:
        return diff_versions(
            (await self.version(scope, old)).data, (await self.version(scope, new)).data
        )

    async def revert(self, scope: str, number: int, actor_id: str | None) -> Version:
        """A revert is a new version carrying an old version's data; history is never rewritten."""
        old = await self.version(scope, number)
        return await self.save(
            scope,
            old.data,
            actor_id,
            f"Reverted to version {number}",
            action="trigger_lists.revert",
        )
