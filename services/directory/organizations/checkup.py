"""The Export Check-Up: a self-assessment in the spirit of the one presented at the 2015 meeting.

Six dimensions, three questions each, every answer worth 0-3 points. A dimension scores its points
as a share of the maximum (0-100); the overall score is the mean of the six dimensions, so each
weighs the same. Version the questionnaire when a question changes: old answers keep their version.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import DomainError

VERSION = 1


@dataclass(frozen=True)
class Option:
    code: str
    points: int
    label_es: str
    label_en: str


@dataclass(frozen=True)
class Question:
    id: str
    dimension: str
    text_es: str
    text_en: str
    options: tuple[Option, ...]


def _scale(*labels: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(str(points), points, es, en) for points, (es, en) in enumerate(labels))


_NONE_ALL = (
    ("No", "No"),
    ("En parte", "Partly"),
    ("En gran medida", "Largely"),
    ("Sí, plenamente", "Yes, fully"),
)

DIMENSIONS: dict[str, tuple[str, str]] = {
    "product": ("Producto", "Product"),
    "capacity": ("Capacidad de producción", "Production capacity"),
    "quality": ("Calidad", "Quality"),
    "finance": ("Finanzas", "Finance"),
    "experience": ("Experiencia internacional", "International experience"),
    "commitment": ("Compromiso de la dirección", "Management commitment"),
}

QUESTIONS: tuple[Question, ...] = (
    Question(
        "product_differentiation",
        "product",
        "¿Su producto se distingue claramente de la competencia?",
        "Does your product clearly stand out from the competition?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "product_adaptation",
        "product",
        "¿Puede adaptar el producto, el empaque y el etiquetado a otro mercado?",
        "Can you adapt the product, packaging and labelling to another market?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "product_classification",
        "product",
        "¿Conoce la clasificación arancelaria (SA) y las normas de su producto en destino?",
        "Do you know your product's HS classification and the rules that apply to it abroad?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "capacity_spare",
        "capacity",
        "¿Cuánta capacidad de producción le queda libre para exportar?",
        "How much production capacity could you spare for exports?",
        _scale(
            ("Ninguna", "None"),
            ("Menos del 10%", "Under 10%"),
            ("10-30%", "10-30%"),
            ("Más del 30%", "Over 30%"),
        ),
    ),
    Question(
        "capacity_scale",
        "capacity",
        "¿Puede aumentar la producción si llega un pedido grande?",
        "Could you scale production up for a large order?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "capacity_supply",
        "capacity",
        "¿Tiene proveedores de insumos estables y confiables?",
        "Do you have stable, reliable input suppliers?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "quality_system",
        "quality",
        "¿Aplica un sistema de gestión de la calidad?",
        "Do you run a quality management system?",
        _scale(
            ("No", "No"),
            ("Informal", "Informal"),
            ("Documentado", "Documented"),
            ("Certificado (ISO, HACCP…)", "Certified (ISO, HACCP…)"),
        ),
    ),
    Question(
        "quality_certifications",
        "quality",
        "¿Tiene las certificaciones que exigen sus mercados de destino?",
        "Do you hold the certifications your target markets require?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "quality_consistency",
        "quality",
        "¿Entrega la misma calidad lote tras lote?",
        "Do you deliver the same quality batch after batch?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "finance_resources",
        "finance",
        "¿Puede financiar ferias, muestras y viajes de promoción?",
        "Can you fund trade fairs, samples and promotion trips?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "finance_costing",
        "finance",
        "¿Conoce sus costos y puede calcular un precio de exportación (Incoterms)?",
        "Do you know your costs and can you price for export (Incoterms)?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "finance_credit",
        "finance",
        "¿Tiene acceso a crédito o a programas de apoyo a la exportación?",
        "Do you have access to credit or export-support programmes?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "experience_exports",
        "experience",
        "¿Ha exportado en los últimos tres años?",
        "Have you exported in the last three years?",
        _scale(
            ("Nunca", "Never"),
            ("Una vez", "Once"),
            ("Ocasionalmente", "Occasionally"),
            ("Regularmente", "Regularly"),
        ),
    ),
    Question(
        "experience_markets",
        "experience",
        "¿Conoce sus mercados objetivo (estudios, ferias, contactos)?",
        "Do you know your target markets (studies, fairs, contacts)?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "experience_languages",
        "experience",
        "¿Su equipo negocia en otros idiomas?",
        "Can your team negotiate in other languages?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "commitment_plan",
        "commitment",
        "¿Tiene un plan de exportación con metas y presupuesto?",
        "Do you have an export plan with targets and a budget?",
        _scale(*_NONE_ALL),
    ),
    Question(
        "commitment_staff",
        "commitment",
        "¿Hay una persona responsable de exportaciones?",
        "Is someone responsible for exports?",
        _scale(
            ("No", "No"),
            ("Ocasionalmente", "Occasionally"),
            ("A tiempo parcial", "Part time"),
            ("A tiempo completo", "Full time"),
        ),
    ),
    Question(
        "commitment_association",
        "commitment",
        "¿Está dispuesta la dirección a asociarse con otras empresas (consorcio)?",
        "Is management willing to join forces with other firms (a consortium)?",
        _scale(*_NONE_ALL),
    ),
)
BY_ID = {q.id: q for q in QUESTIONS}


def score(answers: dict[str, str]) -> tuple[int, dict[str, int]]:
    """(overall 0-100, per-dimension 0-100). Every question must be answered with one of its options."""
    missing = [q.id for q in QUESTIONS if q.id not in answers]
    unknown = [k for k in answers if k not in BY_ID]
    invalid = [k for k, v in answers.items() if k in BY_ID and v not in {o.code for o in BY_ID[k].options}]
    if missing or unknown or invalid:
        raise DomainError(
            "incomplete_checkup",
            "answer every question of the check-up with one of its options",
            details={"missing": missing, "unknown": unknown, "invalid": invalid},
        )
    earned = dict.fromkeys(DIMENSIONS, 0)
    possible = dict.fromkeys(DIMENSIONS, 0)
    for q in QUESTIONS:
        earned[q.dimension] += next(o.points for o in q.options if o.code == answers[q.id])
        possible[q.dimension] += max(o.points for o in q.options)
    dimensions = {d: round(100 * earned[d] / possible[d]) for d in DIMENSIONS}
    return round(sum(dimensions.values()) / len(dimensions)), dimensions
