"""The kinds of notification, what each says in Spanish and English, and who gets what by default.

Personal kinds reach the people an event concerns (the mentioned user, the asker) without any
subscription; subscribable kinds reach whoever subscribed with matching filters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.auth import Role

EMAIL_MODES = ("off", "immediate", "daily", "weekly")
LANGUAGES = ("es", "en")


@dataclass(frozen=True)
class Kind:
    name: str
    title: dict[str, str]
    body: dict[str, str]
    # Channels for the people the event concerns, unless their preferences say otherwise.
    in_app: bool = True
    email: str = "immediate"
    subscribable: bool = False
    filters: tuple[str, ...] = ()
    grouped: bool = False  # a burst within the group window folds into one notification
    grouped_title: dict[str, str] = field(default_factory=dict)
    link: str = ""


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind(
            "match.found",
            {"es": "Nueva coincidencia: {name} y {counterpart}", "en": "New match: {name} and {counterpart}"},
            {
                "es": "Tipo {match_type}, puntaje {score:.0%}. {reasons_es}",
                "en": "{match_type} match, score {score:.0%}. {reasons_en}",
            },
            email="immediate",
            subscribable=True,
            filters=("countries", "sectors", "match_types", "min_score", "organization_ids"),
            grouped=True,
            grouped_title={"es": "{count} nuevas coincidencias", "en": "{count} new matches"},
            link="/matches/{match_id}",
        ),
        Kind(
            "introduction.accepted",
            {"es": "Presentación aceptada", "en": "Introduction accepted"},
            {
                "es": "Ambas partes aceptaron; ya tienen un espacio privado.",
                "en": "Both sides accepted; you now share a private space.",
            },
            link="/introductions/{introduction_id}",
        ),
        Kind(
            "forum.reply",
            {"es": "Nueva respuesta a tu mensaje", "en": "New reply to your post"},
            {"es": "{excerpt}", "en": "{excerpt}"},
            email="daily",
            link="/threads/{thread_id}#post-{post_id}",
        ),
        Kind(
            "forum.post",
            {"es": "Nuevo mensaje en lo que sigues", "en": "New post in a space or thread you follow"},
            {"es": "{excerpt}", "en": "{excerpt}"},
            email="off",
            subscribable=True,
            filters=("space_ids", "thread_ids"),
            grouped=True,
            grouped_title={
                "es": "{count} mensajes nuevos en lo que sigues",
                "en": "{count} new posts in spaces or threads you follow",
            },
            link="/threads/{thread_id}#post-{post_id}",
        ),
        Kind(
            "forum.mention",
            {"es": "Te mencionaron en el foro", "en": "You were mentioned in the forum"},
            {"es": "{author_es} te mencionó en un tema.", "en": "{author_en} mentioned you in a thread."},
            link="/threads/{thread_id}#post-{post_id}",
        ),
        Kind(
            "advisory.requested",
            {"es": "Nueva solicitud de asesoría: {topic}", "en": "New advisory request: {topic}"},
            {"es": "País: {country}.", "en": "Country: {country}."},
            subscribable=True,
            filters=("countries", "topics"),
            link="/threads/{thread_id}",
        ),
        Kind(
            "advisory.answered",
            {"es": "Tu consulta de asesoría tiene respuesta", "en": "Your advisory request was answered"},
            {
                "es": "Un asesor respondió; revisa y acepta la respuesta.",
                "en": "An advisor answered; review and accept the answer.",
            },
            link="/threads/{thread_id}#post-{post_id}",
        ),
        Kind(
            "advisory.accepted",
            {"es": "Aceptaron tu respuesta de asesoría", "en": "Your advisory answer was accepted"},
            {"es": "El tema quedó resuelto.", "en": "The thread is marked as solved."},
            link="/threads/{thread_id}#post-{post_id}",
        ),
        Kind(
            "advisory.escalated",
            {
                "es": "Solicitud de asesoría sin respuesta: {topic}",
                "en": "Unanswered advisory request: {topic}",
            },
            {"es": "Espera respuesta hace {hours:.0f} h.", "en": "Waiting for {hours:.0f} h."},
            subscribable=True,
            filters=("countries", "topics"),
            link="/threads/{thread_id}",
        ),
        Kind(
            "organization.registered",
            {"es": "Nueva organización: {name} ({country})", "en": "New organization: {name} ({country})"},
            {"es": "Sectores: {sectors}.", "en": "Sectors: {sectors}."},
            subscribable=True,
            filters=("countries", "sectors", "organization_kinds"),
            grouped=True,
            grouped_title={"es": "{count} organizaciones nuevas", "en": "{count} new organizations"},
            link="/organizations/{organization_id}",
        ),
        Kind(
            "consortium.created",
            {"es": "Nuevo consorcio: {name} ({country})", "en": "New consortium: {name} ({country})"},
            {"es": "Se formó un consorcio de exportación.", "en": "An export consortium was formed."},
            subscribable=True,
            filters=("countries",),
            link="/organizations/{consortium_id}",
        ),
        Kind(
            "webhook.disabled",
            {"es": "Webhook desactivado", "en": "Webhook disabled"},
            {"es": "{url} se desactivó: {reason}", "en": "{url} was disabled: {reason}"},
            link="/settings/webhooks/{endpoint_id}",
        ),
        Kind(
            "account.password_reset",
            {"es": "Restablecer tu contraseña", "en": "Reset your password"},
            {
                "es": "Abre este enlace para elegir una nueva contraseña (vence {expires_at}): {reset_url}",
                "en": "Open this link to choose a new password (expires {expires_at}): {reset_url}",
            },
            in_app=False,
        ),
    ]
}
# Never switched off by preferences or unsubscribe links: the person asked for it.
TRANSACTIONAL = frozenset({"account.password_reset"})

# Standing subscriptions every new user of a role starts with (channels: in_app, email).
ROLE_DEFAULTS: dict[str, list[tuple[str, bool, str]]] = {
    Role.agency_officer: [("consortium.created", True, "weekly"), ("advisory.requested", True, "daily")],
    Role.advisor: [("advisory.requested", True, "immediate"), ("advisory.escalated", True, "immediate")],
    Role.consortium_manager: [("consortium.created", True, "off")],
}


def language_of(language: str | None) -> str:
    return language if language in LANGUAGES else "es"


class _Lenient(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, params: dict) -> str:  # type: ignore[type-arg]
    try:
        return template.format_map(_Lenient(params))
    except (ValueError, TypeError, KeyError):
        return template


def title_of(kind: Kind, lang: str, params: dict, count: int = 1) -> str:  # type: ignore[type-arg]
    if count > 1 and kind.grouped_title:
        return render(kind.grouped_title[lang], {**params, "count": count})
    return render(kind.title[lang], params)[:300]


def body_of(kind: Kind, lang: str, params: dict) -> str:  # type: ignore[type-arg]
    return render(kind.body[lang], params)
