"""The trades members work in, and which trades are neighbours.

Matching asks whether two members share a sector, work in adjacent sectors, or in different ones;
profiles store the sector code. Codes are stable identifiers: labels may be reworded, codes may not.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from .vocabulary import LANGUAGES


@dataclass(frozen=True)
class Sector:
    code: str
    # Excluded from the hash (a mapping is unhashable) so sectors can live in sets; still compared.
    labels: Mapping[str, str] = field(hash=False)
    family: str

    def __post_init__(self) -> None:
        if set(self.labels) != set(LANGUAGES):
            raise ValueError(f"sector {self.code!r} needs labels in exactly {LANGUAGES}")
        # Read-only, so a caller cannot reword a label for every other user of the module.
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))


# Declaration order is display order: from the trades most members are expected to come from.
FAMILIES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "tech": {"fr": "Tech et développement", "en": "Software & tech"},
        "product": {"fr": "Produit", "en": "Product"},
        "design": {"fr": "Design et image", "en": "Design & visuals"},
        "content": {"fr": "Contenus et langues", "en": "Content & languages"},
        "marketing": {"fr": "Marketing et communication", "en": "Marketing & communications"},
        "business": {"fr": "Conseil et gestion", "en": "Business & consulting"},
        "people": {"fr": "Ressources humaines et accompagnement", "en": "People & development"},
        "health": {"fr": "Santé et bien-être", "en": "Health & wellbeing"},
        "craft": {"fr": "Artisanat, lieux et événements", "en": "Crafts, spaces & events"},
        "arts": {"fr": "Arts et spectacle", "en": "Arts & performance"},
        "education": {"fr": "Enseignement et recherche", "en": "Teaching & research"},
    }
)

# (code, French label, English label), grouped by family.
_DECLARED: dict[str, tuple[tuple[str, str, str], ...]] = {
    "tech": (
        ("frontend_development", "Développement front-end", "Front-end development"),
        ("backend_development", "Développement back-end", "Back-end development"),
        ("mobile_development", "Développement mobile", "Mobile development"),
        ("devops_cloud", "DevOps et cloud", "DevOps & cloud"),
        ("data_science", "Data science et IA", "Data science & AI"),
        ("cybersecurity", "Cybersécurité", "Cybersecurity"),
        ("no_code", "No-code et automatisation", "No-code & automation"),
        ("game_development", "Développement de jeux vidéo", "Game development"),
        ("qa_testing", "Tests et assurance qualité", "QA & testing"),
    ),
    "product": (
        ("product_management", "Gestion de produit", "Product management"),
        ("ux_research", "Recherche utilisateur (UX)", "UX research"),
        ("ux_design", "Design UX", "UX design"),
        ("ui_design", "Design UI", "UI design"),
    ),
    "design": (
        ("graphic_design", "Graphisme", "Graphic design"),
        ("illustration", "Illustration", "Illustration"),
        ("motion_design", "Motion design", "Motion design"),
        ("modeling_3d", "Modélisation et animation 3D", "3D modeling & animation"),
        ("photography", "Photographie", "Photography"),
        ("video_production", "Production vidéo", "Video production"),
    ),
    "content": (
        ("copywriting", "Rédaction et copywriting", "Copywriting"),
        ("translation", "Traduction et interprétariat", "Translation & interpreting"),
        ("journalism", "Journalisme", "Journalism"),
        ("editing_proofreading", "Relecture et correction", "Editing & proofreading"),
        ("content_strategy", "Stratégie de contenu", "Content strategy"),
        ("voice_podcasting", "Voix off et podcast", "Voice-over & podcasting"),
    ),
    "marketing": (
        ("seo", "Référencement naturel (SEO)", "SEO"),
        ("social_media", "Réseaux sociaux et community management", "Social media & community management"),
        ("digital_advertising", "Publicité en ligne", "Digital advertising"),
        ("public_relations", "Relations presse et publiques", "Public relations"),
        ("branding", "Branding et stratégie de marque", "Branding & brand strategy"),
        ("email_marketing", "Emailing et automatisation marketing", "Email marketing & automation"),
        ("ecommerce", "E-commerce", "E-commerce"),
    ),
    "business": (
        ("management_consulting", "Conseil en stratégie et management", "Management consulting"),
        ("project_management", "Gestion de projet", "Project management"),
        ("accounting", "Comptabilité", "Accounting & bookkeeping"),
        ("legal", "Droit et conseil juridique", "Law & legal advice"),
        ("finance_consulting", "Conseil en finance", "Finance consulting"),
        ("business_development", "Développement commercial et vente", "Business development & sales"),
        ("virtual_assistance", "Assistance administrative à distance", "Virtual assistance"),
        ("real_estate", "Immobilier", "Real estate"),
        ("csr_consulting", "Conseil RSE et transition écologique", "CSR & sustainability consulting"),
    ),
    "people": (
        ("hr_consulting", "Conseil en ressources humaines", "HR consulting"),
        ("recruitment", "Recrutement", "Recruitment"),
        ("coaching", "Coaching professionnel", "Professional coaching"),
        ("training", "Formation professionnelle", "Corporate training"),
    ),
    "health": (
        ("psychology", "Psychologie et psychothérapie", "Psychology & therapy"),
        ("nutrition", "Nutrition et diététique", "Nutrition & dietetics"),
        ("sports_coaching", "Coaching sportif", "Sports coaching"),
        ("yoga_wellbeing", "Yoga et bien-être", "Yoga & wellbeing"),
        ("physiotherapy", "Kinésithérapie et ostéopathie", "Physiotherapy & osteopathy"),
    ),
    "craft": (
        ("architecture", "Architecture", "Architecture"),
        ("interior_design", "Architecture d'intérieur et décoration", "Interior design"),
        ("building_trades", "Bâtiment et rénovation", "Building & renovation"),
        ("artisan_crafts", "Artisanat et métiers d'art", "Artisan crafts"),
        ("event_planning", "Organisation d'événements", "Event planning"),
    ),
    "arts": (
        ("music", "Musique", "Music"),
        ("performing_arts", "Spectacle vivant", "Performing arts"),
        ("fine_arts", "Arts plastiques", "Fine arts"),
    ),
    "education": (
        ("tutoring", "Cours particuliers et enseignement", "Tutoring & teaching"),
        ("language_teaching", "Enseignement des langues", "Language teaching"),
        ("academic_research", "Recherche et rédaction scientifique", "Research & academic writing"),
    ),
}


def _alphabetical(text: str) -> str:
    # Plain string order would put "Écriture" after "Zumba"; French readers expect it among the E's.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


SECTORS: dict[str, Sector] = {
    code: Sector(code, {"fr": fr, "en": en}, family)
    for family in FAMILIES
    for code, fr, en in sorted(_DECLARED[family], key=lambda row: _alphabetical(row[1]))
}

CODES: tuple[str, ...] = tuple(SECTORS)

# Each pair once, in either order: adjacency is mutual, and a single statement cannot drift out of sync.
# Two sectors are adjacent when their people routinely work on the same projects or can swap advice
# about clients and craft without explaining the basics.
ADJACENT_PAIRS: tuple[tuple[str, str], ...] = (
    # software
    ("frontend_development", "backend_development"),
    ("frontend_development", "mobile_development"),
    ("frontend_development", "no_code"),
    ("backend_development", "mobile_development"),
    ("backend_development", "devops_cloud"),
    ("backend_development", "data_science"),
    ("backend_development", "cybersecurity"),
    ("backend_development", "qa_testing"),
    ("devops_cloud", "cybersecurity"),
    ("devops_cloud", "qa_testing"),
    ("devops_cloud", "data_science"),
    ("mobile_development", "qa_testing"),
    ("mobile_development", "game_development"),
    ("data_science", "academic_research"),
    ("cybersecurity", "legal"),
    ("no_code", "virtual_assistance"),
    ("no_code", "ecommerce"),
    ("game_development", "modeling_3d"),
    ("game_development", "illustration"),
    # product
    ("product_management", "ux_research"),
    ("product_management", "ux_design"),
    ("product_management", "project_management"),
    ("product_management", "management_consulting"),
    ("ux_research", "ux_design"),
    ("ux_research", "academic_research"),
    ("ux_design", "ui_design"),
    ("ux_design", "frontend_development"),
    ("ux_design", "content_strategy"),
    ("ui_design", "frontend_development"),
    ("ui_design", "mobile_development"),
    ("ui_design", "graphic_design"),
    ("ui_design", "motion_design"),
    # design and image
    ("graphic_design", "illustration"),
    ("graphic_design", "motion_design"),
    ("graphic_design", "branding"),
    ("illustration", "fine_arts"),
    ("motion_design", "video_production"),
    ("motion_design", "modeling_3d"),
    ("modeling_3d", "architecture"),
    ("photography", "video_production"),
    ("photography", "fine_arts"),
    ("photography", "journalism"),
    ("photography", "social_media"),
    ("video_production", "social_media"),
    ("video_production", "voice_podcasting"),
    ("video_production", "performing_arts"),
    # content
    ("copywriting", "seo"),
    ("copywriting", "content_strategy"),
    ("copywriting", "editing_proofreading"),
    ("copywriting", "journalism"),
    ("copywriting", "email_marketing"),
    ("copywriting", "translation"),
    ("translation", "editing_proofreading"),
    ("translation", "language_teaching"),
    ("journalism", "editing_proofreading"),
    ("journalism", "public_relations"),
    ("journalism", "voice_podcasting"),
    ("editing_proofreading", "academic_research"),
    ("content_strategy", "seo"),
    ("content_strategy", "social_media"),
    ("content_strategy", "branding"),
    ("voice_podcasting", "music"),
    ("voice_podcasting", "performing_arts"),
    # marketing
    ("seo", "digital_advertising"),
    ("seo", "ecommerce"),
    ("social_media", "digital_advertising"),
    ("social_media", "public_relations"),
    ("digital_advertising", "email_marketing"),
    ("digital_advertising", "ecommerce"),
    ("email_marketing", "ecommerce"),
    ("public_relations", "branding"),
    ("public_relations", "event_planning"),
    ("ecommerce", "business_development"),
    # business
    ("management_consulting", "project_management"),
    ("management_consulting", "finance_consulting"),
    ("management_consulting", "hr_consulting"),
    ("management_consulting", "csr_consulting"),
    ("project_management", "virtual_assistance"),
    ("project_management", "event_planning"),
    ("accounting", "finance_consulting"),
    ("accounting", "virtual_assistance"),
    ("accounting", "legal"),
    ("legal", "hr_consulting"),
    ("legal", "real_estate"),
    ("finance_consulting", "real_estate"),
    ("business_development", "real_estate"),
    ("business_development", "recruitment"),
    ("real_estate", "interior_design"),
    ("csr_consulting", "hr_consulting"),
    ("csr_consulting", "training"),
    # people
    ("hr_consulting", "recruitment"),
    ("hr_consulting", "coaching"),
    ("hr_consulting", "training"),
    ("coaching", "training"),
    ("coaching", "psychology"),
    ("training", "tutoring"),
    ("training", "language_teaching"),
    # health and wellbeing
    ("psychology", "yoga_wellbeing"),
    ("nutrition", "sports_coaching"),
    ("nutrition", "yoga_wellbeing"),
    ("sports_coaching", "yoga_wellbeing"),
    ("sports_coaching", "physiotherapy"),
    ("yoga_wellbeing", "physiotherapy"),
    # crafts, spaces and events
    ("architecture", "interior_design"),
    ("architecture", "building_trades"),
    ("interior_design", "building_trades"),
    ("interior_design", "artisan_crafts"),
    ("artisan_crafts", "building_trades"),
    ("artisan_crafts", "fine_arts"),
    ("event_planning", "performing_arts"),
    # arts and teaching
    ("music", "performing_arts"),
    ("music", "tutoring"),
    ("tutoring", "language_teaching"),
    ("tutoring", "academic_research"),
)


def _neighbours() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {code: set() for code in SECTORS}
    for a, b in ADJACENT_PAIRS:
        found[a].add(b)
        found[b].add(a)
    return {code: frozenset(others) for code, others in found.items()}


_ADJACENT = _neighbours()


class Relation(StrEnum):
    """How close two members' trades are, as matching weighs it."""

    SAME = "same"
    ADJACENT = "adjacent"
    DIFFERENT = "different"


def sector(code: str) -> Sector:
    try:
        return SECTORS[code]
    except KeyError:
        # The full list is long; point at it rather than paste it into logs and problem responses.
        raise KeyError(f"unknown sector {code!r}; see workbuddy_contracts.sectors.SECTORS") from None


def adjacent(code: str) -> frozenset[str]:
    return _ADJACENT[sector(code).code]


def relation(a: str, b: str) -> Relation:
    # Both codes are checked: an unknown code must not pass as merely DIFFERENT.
    sector(b)
    if sector(a).code == b:
        return Relation.SAME
    if b in adjacent(a):
        return Relation.ADJACENT
    return Relation.DIFFERENT


def label(code: str, language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return sector(code).labels[language]
