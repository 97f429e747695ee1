"""The reasons for a proposal, as a sentence the member reads (in French, tutoiement, or English).

A reason from `compatibility.score(a, b)` is told to `a` about `b`: `other` is `b`.
"""

from collections.abc import Callable

from workbuddy_contracts import sectors
from workbuddy_contracts.vocabulary import LANGUAGES

from .compatibility import Candidate, Reason

SUPPORT_WANTED = {
    "celebrate_and_comfort": {"en": "share wins and setbacks",
                              "fr": "partager vos victoires et vos coups durs"},
    "urgent_advice": {"en": "ask for urgent advice", "fr": "demander des avis urgents"},
    "client_talk": {"en": "talk about clients", "fr": "parler de vos clients"},
    "joint_projects": {"en": "build projects together", "fr": "monter des projets ensemble"},
    "stimulation": {"en": "keep each other going", "fr": "vous stimuler mutuellement"},
}
COMMITMENT_WANTED = {
    "momentary": {"en": "a hand when it is needed", "fr": "un coup de main ponctuel"},
    "regular": {"en": "regular check-ins", "fr": "des points réguliers"},
    "projects": {"en": "projects together", "fr": "des projets communs"},
}
BOND_WANTED = {
    "admiration": {"en": "you both want a buddy who stretches you",
                   "fr": "vous cherchez tous les deux un buddy qui vous tire vers le haut"},
    "conviviality": {"en": "you both want a warm, easy-going buddy",
                     "fr": "vous cherchez tous les deux de la convivialité"},
}
# English: an adjective ("Bob is more organised"); French: a noun, so that no gender is assumed.
TRAIT_WORDS = {
    "organised": {"en": "organised", "fr": "le sens de l'organisation"},
    "outgoing": {"en": "outgoing", "fr": "l'aisance relationnelle"},
    "creative": {"en": "creative", "fr": "la créativité"},
    "analytical": {"en": "analytical", "fr": "l'esprit d'analyse"},
    "steady": {"en": "steady", "fr": "la constance"},
}
LANGUAGE_NAMES = {
    "fr": {"en": "French", "fr": "français"},
    "en": {"en": "English", "fr": "anglais"},
    "es": {"en": "Spanish", "fr": "espagnol"},
    "de": {"en": "German", "fr": "allemand"},
    "it": {"en": "Italian", "fr": "italien"},
    "pt": {"en": "Portuguese", "fr": "portugais"},
    "nl": {"en": "Dutch", "fr": "néerlandais"},
    "ar": {"en": "Arabic", "fr": "arabe"},
    "zh": {"en": "Chinese", "fr": "chinois"},
    "ja": {"en": "Japanese", "fr": "japonais"},
    "ru": {"en": "Russian", "fr": "russe"},
    "pl": {"en": "Polish", "fr": "polonais"},
    "ro": {"en": "Romanian", "fr": "roumain"},
    "tr": {"en": "Turkish", "fr": "turc"},
    "uk": {"en": "Ukrainian", "fr": "ukrainien"},
    "ca": {"en": "Catalan", "fr": "catalan"},
    "br": {"en": "Breton", "fr": "breton"},
    "eu": {"en": "Basque", "fr": "basque"},
    "wo": {"en": "Wolof", "fr": "wolof"},
    "vi": {"en": "Vietnamese", "fr": "vietnamien"},
    "hi": {"en": "Hindi", "fr": "hindi"},
    "ko": {"en": "Korean", "fr": "coréen"},
    "sv": {"en": "Swedish", "fr": "suédois"},
    "el": {"en": "Greek", "fr": "grec"},
    "he": {"en": "Hebrew", "fr": "hébreu"},
}


def explain(reason: Reason, language: str, *, other: Candidate) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    try:
        say = _SAY[reason.code]
    except KeyError:
        raise ValueError(f"no words for the reason {reason.code!r}") from None
    return say(reason, language, _name(other, language))


def _name(other: Candidate, language: str) -> str:
    return other.display_name.strip() or ("ce membre" if language == "fr" else "this member")


def _listing(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" et " if language == "fr" else " and ") + items[-1]


def _sector(code: str | None, language: str) -> str:
    if not code:
        return "?"
    words = sectors.label(code, language)
    first = words.split(" ", 1)[0]
    # English labels are titles ("Front-end development"); mid-sentence they lose their capital,
    # unless it belongs to an acronym or a brand ("UX design", "DevOps & cloud").
    if language == "en" and first[1:] == first[1:].lower():
        return words[0].lower() + words[1:]
    return words


def _in_city(city: str) -> str:
    # "à Lyon", but "au Havre", "aux Sables-d'Olonne" ("à La Rochelle" keeps its article).
    for article, contracted in (("Les ", "aux "), ("Le ", "au ")):
        if city[: len(article)].casefold() == article.casefold():
            return contracted + city[len(article):]
    return "à " + city


def _same_city(reason: Reason, language: str, name: str) -> str:
    city = reason.get("city", "")
    return f"tous les deux {_in_city(city)}" if language == "fr" else f"both in {city}"


def _of_city(city: str) -> str:
    # "de Lyon", "d'Annecy", "du Havre", "des Sables-d'Olonne".
    for article, contracted in (("Les ", "des "), ("Le ", "du ")):
        if city[: len(article)].casefold() == article.casefold():
            return contracted + city[len(article):]
    return ("d'" if city[:1].casefold() in "aeiouyéèêâîôûh" and city[:1] else "de ") + city


def _place(reason: Reason, key: str, language: str) -> str:
    return (reason.get(f"{key}_fr") if language == "fr" else None) or reason.get(key, "?")


def _nearby(reason: Reason, language: str, name: str) -> str:
    """"12 km apart, both in the Lyon area"; in the same city: "both in Lyon, near enough to
    meet"; farther: "Annecy, 110 km away"."""
    km = reason.get("km", "?")
    city = _place(reason, "city", language)
    if reason.get("area") is None:
        return f"{city}, à {km} km" if language == "fr" else f"{city}, {km} km away"
    area = _place(reason, "area", language)
    if km == "0":
        return (f"tous les deux {_in_city(area)}, assez près pour vous voir" if language == "fr"
                else f"both in {area}, near enough to meet")
    return (f"{km} km entre vous, tous les deux dans le coin {_of_city(area)}" if language == "fr"
            else f"{km} km apart, both in the {area} area")


def _same_sector(reason: Reason, language: str, name: str) -> str:
    trade = _sector(reason.get("sector"), language)
    return f"même métier : {trade}" if language == "fr" else f"same trade: {trade}"


def _two_sectors(fr: str, en: str) -> Callable[[Reason, str, str], str]:
    def say(reason: Reason, language: str, name: str) -> str:
        mine, theirs = (_sector(reason.get(side), language) for side in ("mine", "theirs"))
        return f"{fr} : {mine} et {theirs}" if language == "fr" else f"{en}: {mine} and {theirs}"
    return say


def _shared_support(reason: Reason, language: str, name: str) -> str:
    wanted = [SUPPORT_WANTED[s][language] for s in (reason.get("support") or "").split(",")
              if s in SUPPORT_WANTED]
    if language == "fr":
        return f"vous voulez tous les deux {_listing(wanted, language)}"
    return f"you both want to {_listing(wanted, language)}"


def _fast_answers(reason: Reason, language: str, name: str) -> str:
    minutes = float(reason.get("minutes") or 0)
    hours = round(minutes / 60)
    if language == "fr":
        when = ("en moins d'une heure" if minutes < 60 else "en une heure environ" if hours <= 1
                else f"en {hours} heures environ")
        return f"tu cherches des avis urgents ; {name} répond {when}"
    when = ("within the hour" if minutes < 60 else "in about an hour" if hours <= 1
            else f"in about {hours} hours")
    return f"you want urgent advice; {name} answers {when}"


def _shows_up(reason: Reason, language: str, name: str) -> str:
    share = reason.get("share", "")
    if language == "fr":
        return f"{name} réagit à {share} % des moments de ses buddies"
    return f"{name} reacts to {share}% of their buddies' moments"


def _time_zone_overlap(reason: Reason, language: str, name: str) -> str:
    hours = int(reason.get("hours") or 0)
    if hours >= 9:
        return "les mêmes horaires de travail" if language == "fr" else "the same working hours"
    if language == "fr":
        return f"{hours} heures de travail en commun"
    return f"{hours} working hours in common"


def _complementary_traits(reason: Reason, language: str, name: str) -> str:
    mine, theirs = reason.get("mine"), reason.get("theirs")
    if mine not in TRAIT_WORDS or theirs not in TRAIT_WORDS:
        return "caractères complémentaires" if language == "fr" else "complementary characters"
    if language == "fr":
        return (f"caractères complémentaires : {name} apporte {TRAIT_WORDS[theirs]['fr']}, "
                f"toi {TRAIT_WORDS[mine]['fr']}")
    return (f"complementary characters: {name} is more {TRAIT_WORDS[theirs]['en']}, "
            f"you are more {TRAIT_WORDS[mine]['en']}")


def _similar_traits(reason: Reason, language: str, name: str) -> str:
    trait = reason.get("trait")
    if trait not in TRAIT_WORDS:
        return "caractères proches" if language == "fr" else "similar characters"
    if language == "fr":
        return f"caractères proches : {TRAIT_WORDS[trait]['fr']}, chez toi comme chez {name}"
    return f"similar characters: you are both {TRAIT_WORDS[trait]['en']}"


def _same_commitment(reason: Reason, language: str, name: str) -> str:
    wanted = COMMITMENT_WANTED.get(reason.get("commitment") or "")
    if wanted is None:
        return "le même engagement" if language == "fr" else "the same commitment"
    if language == "fr":
        return f"vous voulez tous les deux {wanted['fr']}"
    return f"you both want {wanted['en']}"


def _same_bond(reason: Reason, language: str, name: str) -> str:
    wanted = BOND_WANTED.get(reason.get("bond") or "")
    if wanted is None:
        return "le même genre de lien" if language == "fr" else "the same kind of bond"
    return wanted[language]


def _shared_languages(reason: Reason, language: str, name: str) -> str:
    codes = [code for code in (reason.get("languages") or "").split(",") if code]
    names = _listing([LANGUAGE_NAMES.get(code, {}).get(language, code.upper()) for code in codes], language)
    return f"vous parlez tous les deux {names}" if language == "fr" else f"you both speak {names}"


SETBACK_WORDS = {
    "client_lost": {"en": "a lost client", "fr": "un client perdu"},
    "tender_lost": {"en": "a lost tender", "fr": "un appel d'offres perdu"},
    "payment_late": {"en": "a late payment", "fr": "un paiement en retard"},
    "rough_day": {"en": "a rough day", "fr": "une journée difficile"},
}


def _lived_same_setback(reason: Reason, language: str, name: str) -> str:
    lived = SETBACK_WORDS.get(reason.get("kind") or "")
    if lived is None:
        return f"{name} connaît ça aussi" if language == "fr" else f"{name} has been there too"
    if language == "fr":
        return f"{name} a vécu la même chose : {lived['fr']}"
    return f"{name} has been through it too: {lived['en']}"


def _has_skills_wanted(reason: Reason, language: str, name: str) -> str:
    skills = reason.get("skills") or ""
    if language == "fr":
        return f"{name} a les compétences dont votre projet a besoin : {skills}"
    return f"{name} has the skills your project needs: {skills}"


def _your_skills_wanted(reason: Reason, language: str, name: str) -> str:
    skills = reason.get("skills") or ""
    if language == "fr":
        return f"{name} cherche un partenaire pour un projet et vos compétences y répondent : {skills}"
    return f"{name} is looking for a project partner with your skills: {skills}"


def _available_now(reason: Reason, language: str, name: str) -> str:
    if language == "fr":
        return f"{name} est disponible maintenant et se propose pour épauler un membre dans un coup dur"
    return f"{name} is available right now and offers to stand by members through a setback"


_SAY: dict[str, Callable[[Reason, str, str], str]] = {
    "lived_same_setback": _lived_same_setback,
    "available_now": _available_now,
    "has_skills_wanted": _has_skills_wanted,
    "your_skills_wanted": _your_skills_wanted,
    "shared_support": _shared_support,
    "same_sector": _same_sector,
    "adjacent_sectors": _two_sectors("métiers voisins", "adjacent trades"),
    "different_sectors": _two_sectors("des univers différents", "different worlds"),
    "same_commitment": _same_commitment,
    "time_zone_overlap": _time_zone_overlap,
    "fast_answers": _fast_answers,
    "similar_traits": _similar_traits,
    "complementary_traits": _complementary_traits,
    "same_bond": _same_bond,
    "nearby": _nearby,
    "same_city": _same_city,
    "shows_up": _shows_up,
    "shared_languages": _shared_languages,
}


LEFT_OUT = {
    "no_compatible_member": {
        "en": "nobody in the pool shares a language with you, has room for a buddy and suits "
              "what you asked for yet; widening your languages or preferences helps",
        "fr": "personne dans le vivier ne parle encore une de vos langues, n'a de place pour "
              "un buddy et ne correspond à ce que vous cherchez ; élargir vos langues ou vos "
              "préférences aide",
    },
    "compatible_members_taken": {
        "en": "the members who suit you were all paired with someone else this time; you come "
              "first in the next round",
        "fr": "les membres qui vous correspondent ont tous été associés à quelqu'un d'autre "
              "cette fois ; vous passez en premier au prochain tour",
    },
}


def left_out(reason: str, language: str) -> str:
    """Why a round found nobody for the member, in their language."""
    words = LEFT_OUT.get(reason)
    if words is None:
        raise ValueError(f"no words for leaving a member out because {reason!r}")
    return words.get(language, words["en"])
