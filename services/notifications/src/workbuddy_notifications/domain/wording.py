"""Words a member reads, in French and English."""

from datetime import datetime

from workbuddy_contracts.availability import DIGEST_AT
from workbuddy_contracts.vocabulary import LANGUAGES, SETBACKS, tone_of

KIND_LABELS = {
    "fr": {
        "client_won": "un client gagné",
        "first_client": "un premier client",
        "tender_won": "un appel d'offres remporté",
        "project_delivered": "un projet livré",
        "milestone": "une étape franchie",
        "client_lost": "un client perdu",
        "tender_lost": "un appel d'offres perdu",
        "payment_late": "un paiement en retard",
        "rough_day": "une journée difficile",
        "urgent_advice": "besoin d'un avis urgent",
        "client_question": "une question sur un client",
        "project_idea": "une idée de projet",
    },
    "en": {
        "client_won": "a client won",
        "first_client": "a first client",
        "tender_won": "a tender won",
        "project_delivered": "a project delivered",
        "milestone": "a milestone reached",
        "client_lost": "a client lost",
        "tender_lost": "a tender lost",
        "payment_late": "a late payment",
        "rough_day": "a rough day",
        "urgent_advice": "urgent advice needed",
        "client_question": "a question about a client",
        "project_idea": "a project idea",
    },
}

# What an in-app notification says, by kind; {name} is the other member, as named today.
_SAID = {
    "moment": {"fr": "{name} : {label}", "en": "{name}: {label}"},
    "reaction": {"fr": "{name} a réagi à ton moment : {label}",
                 "en": "{name} reacted to your moment: {label}"},
    "buddyship_proposed": {"fr": "Proposition de binôme avec {name}", "en": "A buddy proposal: {name}"},
    "buddyship_started": {"fr": "{name} et toi êtes maintenant buddies",
                          "en": "You and {name} are buddies now"},
    "buddyship_ended": {"fr": "Ton binôme avec {name} a pris fin",
                        "en": "Your buddyship with {name} has ended"},
    "unmatched": {"fr": "Pas de nouveau buddy à ce tour-ci", "en": "No new buddy this round"},
    "message": {"fr": "{name} t'a écrit ({label})", "en": "{name} wrote to you ({label})"},
    "ask_help": {"fr": "{name} a besoin d'un avis urgent et aucun de ses buddies n'est libre : "
                       "peux-tu l'aider ?",
                 "en": "{name} needs urgent advice and none of their buddies is free: can you "
                       "help?"},
    "buddy_quiet": {"fr": "{name} n'a réagi à aucun de tes derniers moments ; tu peux mettre fin au "
                          "binôme sans te justifier et recevoir une nouvelle proposition",
                    "en": "{name} has not reacted to any of your recent moments; you may end the "
                          "buddyship, no reason needed, and get a new proposal"},
}
FORMER = {"fr": "un ancien membre", "en": "a former member"}
REACTION_LABELS = {"cheer": {"fr": "🍾 bravo", "en": "🍾 cheers"},
                   "support": {"fr": "🤝 soutien", "en": "🤝 support"}}


# What becomes of an urgent ask, by step (and, when it closes, why).
ASK_STEPS = {
    "widened": {"fr": "Aucun buddy n'a encore répondu : ta demande est partie vers {count} "
                      "membre(s) prêt(s) à aider",
                "en": "No buddy has answered yet: your ask went to {count} member(s) who offer "
                      "help"},
    "taken": {"fr": "{name} a dit oui à ta demande : votre conversation est ouverte",
              "en": "{name} said yes to your ask: your conversation is open"},
    "yours": {"fr": "Tu aides {name} : votre conversation est ouverte",
              "en": "You are helping {name}: your conversation is open"},
    "taken_by_other": {"fr": "Un autre membre aide déjà {name}. Merci d'avoir proposé !",
                       "en": "Another member is already helping {name}. Thank you for offering!"},
    "closed_for_helper": {"fr": "La demande de {name} est close : plus besoin d'y répondre",
                          "en": "{name}'s ask is closed: no need to answer it"},
    "nobody_reachable": {"fr": "Personne parmi les membres prêts à aider n'est joignable en ce "
                               "moment ; tes buddies voient toujours ta demande",
                         "en": "Nobody who offers help can be reached right now; your buddies "
                               "still see your ask"},
    "nobody_said_yes": {"fr": "Aucun des membres sollicités n'a pu prendre ta demande ; tes "
                              "buddies la voient toujours",
                        "en": "None of the members asked could take your ask; your buddies "
                              "still see it"},
    "another_ask_open": {"fr": "Ta demande précédente est encore ouverte aux membres prêts à "
                               "aider ; celle-ci reste avec tes buddies",
                         "en": "Your earlier ask is still out with members who offer help; this "
                               "one stays with your buddies"},
}


def ask_step(data: dict, name: str | None, language: str) -> str:
    """What became of an urgent ask, in ``language``."""
    language = written_in(language)
    step = data["reason"] if data.get("step") == "closed" else data.get("step", "")
    return ASK_STEPS[step][language].format(name=name or FORMER[language],
                                            count=data.get("helpers", 0))


# Nobody could be reached after a setback or an urgent ask: why, and what happens next.
_AWAY = {"focus": {"fr": "{n} en mode focus", "en": "{n} in focus mode"},
         "quiet_hours": {"fr": "{n} en heures calmes", "en": "{n} in their quiet hours"},
         "inactive": {"fr": "{n} absent(s) depuis un moment", "en": "{n} away for a while"},
         # support.unavailable v2: a buddy who reads their news in a daily digest only.
         "digest": {"fr": "{n} ne lisant ses nouvelles qu'une fois par jour, à {at} à son heure",
                    "en": "{n} reading their news once a day, at {at} their time"}}
_AWAY_MANY = {"digest": {"fr": "{n} ne lisant leurs nouvelles qu'une fois par jour, à {at} à "
                               "leur heure",
                         "en": "{n} reading their news once a day, at {at} their time"}}
_NOBODY = {
    "no_buddy": {"fr": "Tu n'as pas encore de buddy pour l'entendre.",
                 "en": "You have no buddy yet to hear of it."},
    "away": {"fr": "Aucun de tes buddies n'est joignable en ce moment ({detail}).",
             "en": "None of your buddies can be reached right now ({detail})."},
    "all_digest": {"fr": "Tes buddies ne lisent leurs nouvelles qu'une fois par jour, à {at} à "
                         "leur heure : aucun ne le verra tout de suite.",
                   "en": "Your buddies read their news once a day, at {at} their time: none of "
                         "them will see it right away."},
    "one_digest": {"fr": "Ton buddy ne lit ses nouvelles qu'une fois par jour, à {at} à son "
                         "heure : ce ne sera pas tout de suite.",
                   "en": "Your buddy reads their news once a day, at {at} their time: not right "
                         "away."},
    "back": {"fr": "Le premier sera là {at} et le verra alors.",
             "en": "The first one is back {at} and will see it then."},
    "retry": {"fr": "Aucun membre prêt à épauler n'est libre non plus : on cherche à nouveau "
                    "{at}.",
              "en": "Nobody offering support is free either: we will look again {at}."},
    "no_retry": {"fr": "Aucun membre prêt à épauler n'est libre non plus pour l'instant.",
                 "en": "Nobody offering support is free right now either."},
}


def nobody_reachable(data: dict, language: str, time_zone: str | None) -> str:
    """After a setback or an urgent ask with nobody there: the honest word, and what next."""
    from .mails import local_time  # the mail's way of writing a time (Babel), on their clock

    def when(iso: str) -> str:
        return ("le " if language == "fr" else "on ") + local_time(
            datetime.fromisoformat(iso), language, time_zone)

    away = {why: n for why, n in (data.get("away") or {}).items() if why in _AWAY and n}
    digest_at = data.get("digest_at") or DIGEST_AT
    if not data.get("buddies"):
        said = [_NOBODY["no_buddy"][language]]
    elif set(away) == {"digest"}:
        said = [_NOBODY["one_digest" if away["digest"] == 1 else "all_digest"][language].format(
            at=digest_at)]
    else:
        detail = ", ".join(
            (_AWAY_MANY.get(why, _AWAY[why]) if n > 1 else _AWAY[why])[language].format(
                n=n, at=digest_at) for why, n in sorted(away.items()))
        said = [_NOBODY["away"][language].format(detail=detail)]
    if data.get("buddies") and data.get("reachable_at"):
        said.append(_NOBODY["back"][language].format(at=when(data["reachable_at"])))
    if data.get("kind") in SETBACKS:
        said.append(_NOBODY["retry"][language].format(at=when(data["retry_at"]))
                    if data.get("retry_at") else _NOBODY["no_retry"][language])
    return " ".join(said)


# A check-in: each buddy is asked privately how it goes; a mode proposed; how it closed.
_COMMITMENTS = {"momentary": {"fr": "de temps en temps", "en": "now and then"},
                "regular": {"fr": "un lien régulier", "en": "a steady bond"},
                "projects": {"fr": "des projets ensemble", "en": "projects together"}}
_RHYTHMS = {"weekly": {"fr": "un point chaque semaine", "en": "a catch-up every week"},
            "fortnightly": {"fr": "un point toutes les deux semaines",
                            "en": "a catch-up every two weeks"},
            "monthly": {"fr": "un point chaque mois", "en": "a catch-up every month"}}
_CHECK_IN = {
    "opened": {"fr": "Comment ça se passe avec {name} ? Dis-le-nous en privé : on continue, on "
                     "change notre façon de faire, ou on se quitte en douceur",
               "en": "How is it going with {name}? Tell us privately: keep going, change how you "
                     "work together, or end it kindly"},
    "trial_opened": {"fr": "Ta période d'essai avec {name} touche à sa fin : comment ça se passe ? "
                           "Dis-le-nous en privé : on continue, on change notre façon de faire, "
                           "ou on se quitte en douceur",
                     "en": "Your trial with {name} is ending: how is it going? Tell us privately: "
                           "keep going, change how you work together, or end it kindly"},
    "mode_proposed": {"fr": "{name} propose une autre façon de faire : {mode}. Tu l'acceptes ou "
                            "tu gardes l'actuelle ?",
                      "en": "{name} proposes another way to work together: {mode}. Accept it or "
                            "keep the current one?"},
    "confirmed": {"fr": "{name} et toi continuez ensemble : votre binôme est confirmé",
                  "en": "You and {name} are keeping going: your buddyship is confirmed"},
    "changed": {"fr": "{name} et toi continuez ensemble, désormais ainsi : {mode}",
                "en": "You and {name} are keeping going, from now on this way: {mode}"},
    "lapsed": {"fr": "Le point avec {name} s'est clos sans réponse ; votre binôme continue comme "
                     "avant",
               "en": "The check-in with {name} closed unanswered; your buddyship goes on as it "
                     "was"},
}
# An end after a check-in or a quiet buddy: the same warm, neutral word for both.
_ENDED_KINDLY = {"fr": "Ton binôme avec {name} s'est terminé en douceur. Merci pour ce bout de "
                       "chemin partagé ; ta place est de nouveau libre pour quelqu'un de nouveau",
                 "en": "Your buddyship with {name} came to a gentle close. Thank you for the time "
                       "you shared; your place is open again for someone new"}


def mode_of(mode: dict, language: str) -> str:
    """A mode in words: "a steady bond, a catch-up every week"."""
    language = written_in(language)
    said = [_COMMITMENTS[mode["commitment"]][language]] if mode.get("commitment") else []
    said += [_RHYTHMS[mode["rhythm"]][language]] if mode.get("rhythm") else []
    return ", ".join(said)


def check_in_step(data: dict, name: str | None, language: str) -> str:
    """A check-in's step as its member reads it, in ``language``."""
    language = written_in(language)
    step = data.get("step", "opened")
    if step == "opened" and data.get("kind") == "trial":
        step = "trial_opened"
    elif step == "confirmed" and data.get("mode_changed"):
        step = "changed"
    return _CHECK_IN[step][language].format(name=name or FORMER[language],
                                            mode=mode_of(data.get("mode") or {}, language))


def written_in(language: str | None) -> str:
    """The language a member reads: theirs when we write it, English otherwise."""
    return language if language in LANGUAGES else "en"


def describe(kind: str, data: dict, name: str | None, language: str,
             time_zone: str | None = None) -> str:
    """One line saying what happened, in ``language`` (times on the ``time_zone`` clock)."""
    language = written_in(language)
    if kind == "ask_update":
        return ask_step(data, name, language)
    if kind == "nobody_reachable":
        return nobody_reachable(data, language, time_zone)
    if kind == "check_in":
        return check_in_step(data, name, language)
    if kind == "buddyship_ended" and data.get("kindly"):
        return _ENDED_KINDLY[language].format(name=name or FORMER[language])
    label = ""
    if kind == "moment":
        label = KIND_LABELS[language].get(data.get("kind", ""), "")
    elif kind == "reaction":
        label = REACTION_LABELS.get(data.get("kind", ""), {}).get(language, "")
    elif kind == "message":
        label = messages_count(data.get("count", 1), language)
    return _SAID[kind][language].format(name=name or FORMER[language], label=label)


def messages_count(count: int, language: str) -> str:
    if language == "fr":
        return "1 message non lu" if count == 1 else f"{count} messages non lus"
    return "1 unread message" if count == 1 else f"{count} unread messages"


_PUSH_TITLE = {
    "celebration": {"fr": "🍾 {name} a une bonne nouvelle", "en": "🍾 {name} has good news"},
    "support": {"fr": "{name} traverse un coup dur", "en": "{name} is going through a setback"},
    "advice": {"fr": "{name} a besoin de ton avis", "en": "{name} needs your advice"},
}


def moment_push(moment: dict, author: dict, language: str) -> dict:
    """A push payload: who and what, never the note (a lock screen is not private), and where
    the app shows the moment."""
    language = written_in(language)
    name = author.get("display_name") or FORMER[language]
    return {"title": _PUSH_TITLE[tone_of(moment["kind"]).value][language].format(name=name),
            "body": KIND_LABELS[language][moment["kind"]], "tag": f"moment-{moment['_id']}",
            "url": f"/moments/{moment['_id']}", "kind": "moment"}


# Where a tapped push opens the app (its hash route): a proposal is answered, and a new buddy
# met, on the buddies page; the rest is read among the notifications.
_PLACES = {"buddyship_proposed": "/buddies", "buddyship_started": "/buddies",
           "check_in": "/check-ins",
           "message": "/conversations", "ask_help": "/asks", "ask_update": "/asks"}


def push_of(kind: str, data: dict, name: str | None, language: str, item_id: str) -> dict:
    """A push payload for any other notification: the line the app shows, and where."""
    language = written_in(language)
    return {"title": "Work Buddy", "body": describe(kind, data, name, language),
            "tag": f"notification-{item_id}", "url": _PLACES.get(kind, "/notifications"),
            "kind": kind}


# The one-click unsubscribe link at the bottom of each mail: what it stops.
UNSUBSCRIBE = {
    "fr": {"win": "Ne plus recevoir de mail pour les victoires de mes buddies",
           "setback": "Ne plus recevoir de mail pour les coups durs de mes buddies",
           "ask": "Ne plus recevoir de mail pour les demandes d'avis",
           "reaction": "Ne plus recevoir de mail pour les réactions à mes moments",
           "buddyship": "Ne plus recevoir de mail sur mes binômes",
           "message": "Ne plus recevoir de mail pour les messages non lus de mes buddies",
           "all": "Ne plus recevoir aucun mail de Work Buddy"},
    "en": {"win": "Stop mails about my buddies' wins",
           "setback": "Stop mails about my buddies' setbacks",
           "ask": "Stop mails about calls for advice",
           "reaction": "Stop mails about reactions to my moments",
           "buddyship": "Stop mails about my buddyships",
           "message": "Stop mails about my buddies' unread messages",
           "all": "Stop all mails from Work Buddy"},
}

# The page a link from a mail opens (the gateway shows it; a POST from it acts).
LINK_PAGE = {
    "unsubscribe": {
        "fr": {"title": "Se désabonner", "question": "{what} ?", "button": "Oui, arrêter ces mails",
               "done": "C'est fait : tu ne recevras plus ces mails. Tu peux changer d'avis à tout "
                       "moment dans les réglages de notifications de l'application."},
        "en": {"title": "Unsubscribe", "question": "{what}?", "button": "Yes, stop these mails",
               "done": "Done: you will not get these mails any more. You can change your mind at "
                       "any time in the app's notification settings."},
    },
    "react": {
        "fr": {"title": "Réagir", "question": "Envoyer {reaction} à {author} pour {label} ?",
               "button": "Envoyer", "done": "Envoyé ! {author} va le voir tout de suite."},
        "en": {"title": "React", "question": "Send {author} {reaction} for {label}?",
               "button": "Send", "done": "Sent! {author} will see it right away."},
    },
}


def link_page(link: dict, author: str | None, moment_kind: str | None) -> dict:
    """The words of a link's page, in the language of the mail it came in."""
    language = written_in(link.get("language"))
    words = LINK_PAGE[link["action"]][language]
    names = {"what": UNSUBSCRIBE[language].get(link.get("kind", ""), ""),
             "author": author or FORMER[language],
             "reaction": REACTION_LABELS.get(link.get("reaction", ""), {}).get(language, ""),
             "label": KIND_LABELS[language].get(moment_kind or "", "")}
    return {"language": language} | {key: text.format(**names) for key, text in words.items()}
