"""Forum's REST API: thin routes over the use cases in service/."""

from fastapi import APIRouter

from services.forum.api import advisory, conversation, moderation

router = APIRouter()
router.include_router(conversation.router)
router.include_router(advisory.router)
router.include_router(moderation.router)
