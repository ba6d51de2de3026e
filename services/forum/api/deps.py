from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.forum.config import ForumSettings


def _settings(request: Request) -> ForumSettings:
    return request.app.state.runtime.settings


def _redis(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.runtime.redis


Settings = Annotated[ForumSettings, Depends(_settings)]
Redis = Annotated[object, Depends(_redis)]
