"""What the demo members write: greetings, reactions, replies, moments, in French and English.

Every function draws from the ``random.Random`` it is given (so a seed replays a conversation)
and returns short, warm text within the API's limits: a moment's note at most 500 characters, a
reaction's message at most 280, a message 1 to 2000; one line, no control character. A first
name given is used now and then; none given (None or blank), the sentence reads without it.
"""

import random
import re
import unicodedata

from . import sector_words
from .community import Persona

LANGUAGES = ("fr", "en")  # what the demo members can write in
WINS = ("client_won", "first_client", "tender_won", "project_delivered", "milestone")
SETBACKS = ("client_lost", "tender_lost", "payment_late", "rough_day")
ASKS = ("urgent_advice", "client_question", "project_idea")

NOTE_MAX = 500
REACTION_MAX = 280
MESSAGE_MAX = 2000
NAME_MAX = 40

Texts = dict[str, tuple[str, ...]]  # by language


# --- helpers -------------------------------------------------------------------------------

def _clean_name(name: str | None) -> str | None:
    """A first name fit to write: one line, no control character, not too long."""
    if not name:
        return None
    name = "".join(c for c in name if unicodedata.category(c) != "Cc").strip()
    return name[:NAME_MAX].strip() or None


def _say(template: str, name: str | None = None, **words: str) -> str:
    """The template with its words; ``{name}`` dropped with what leads to it when no name."""
    name = _clean_name(name)
    if name is None:
        template = template.replace(", {name}", "").replace(" {name}", "")
    return template.format(name=name or "", **words)


def _lang(lang: str) -> str:
    return "fr" if lang == "fr" else "en"


def _pick(rng: random.Random, texts: Texts, lang: str) -> str:
    return rng.choice(texts[_lang(lang)])


def _plain(text: str) -> str:
    """Lower case, without accents: what keywords are looked for in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether the text has one of the words (whole words; "thank*" also thanks, thankful)."""
    for word in words:
        stem = word.removesuffix("*")
        end = "" if word.endswith("*") else "(?![a-z])"
        if re.search(rf"(?<![a-z]){re.escape(stem)}{end}", text):
            return True
    return False


def _fit(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word when it must be cut."""
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _hhmm(until_hhmm: str, lang: str) -> str:
    """15:30 as a French or English reader writes it: 15h30 (15h), or 15:30."""
    until = "".join(c for c in until_hhmm if unicodedata.category(c) != "Cc").strip()[:16]
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", until)
    if not match or lang != "fr":
        return until
    hours, minutes = int(match[1]), match[2]
    return f"{hours}h" if minutes == "00" else f"{hours}h{minutes}"


# --- greetings -----------------------------------------------------------------------------

_GREETINGS: Texts = {
    "fr": (
        "Salut {name} ! Ça me fait plaisir d'être en binôme avec toi. Tu bosses sur quoi en ce moment ?",
        "Bonjour {name} 👋 Chouette de faire équipe. Dis-moi ce qui t'aiderait le plus, un coup "
        "de fil de temps en temps, des messages, les deux ?",
        "Hello {name} ! Alors comme ça on est buddies. Raconte-moi ta semaine, je te raconte la mienne.",
        "Coucou {name}, bienvenue dans ma petite bulle de freelance. J'ai hâte de fêter tes "
        "prochaines victoires 🍾",
        "Salut {name} ! Je travaille en solo depuis un moment, ça me fait plaisir d'avoir quelqu'un "
        "à qui parler. On se fait un appel de 15 minutes cette semaine ?",
        "Bonjour {name}, merci d'avoir accepté ! Je suis plutôt du genre à envoyer un message le "
        "lundi pour se fixer les objectifs de la semaine. Ça te dit ?",
        "Hello {name} ! Premier message, pas de pression. Qu'est-ce qui t'a donné envie d'avoir un buddy ?",
        "Salut {name} 😊 Hâte de découvrir ton métier. Moi, ma journée type, c'est beaucoup de café "
        "et un peu trop d'onglets ouverts.",
    ),
    "en": (
        "Hi {name}! Really glad we're buddies. What are you working on at the moment?",
        "Hello {name} 👋 Happy to team up. What would help you most: a call now and then, "
        "messages, both?",
        "Hey {name}! So we're buddies now. Tell me about your week and I'll tell you about mine.",
        "Hi {name}, welcome to my little freelance bubble. Looking forward to cheering your "
        "next wins 🍾",
        "Hey {name}! I've been working on my own for a while, so it's lovely to have someone to "
        "talk to. Fancy a 15-minute call this week?",
        "Hello {name}, thanks for accepting! I like a quick Monday message to set the week's "
        "goals. Would that suit you?",
        "Hi {name}! First message, no pressure. What made you want a work buddy?",
        "Hey {name} 😊 Can't wait to hear about your work. My typical day: lots of coffee and far "
        "too many open tabs.",
    ),
}


def greeting(rng: random.Random, lang: str, their_first_name: str | None) -> str:
    """The first message to a new buddy."""
    return _say(_pick(rng, _GREETINGS, lang), their_first_name)


_SUPPORT_OPENINGS: Texts = {
    "fr": (
        "Bonjour {name}, on m'a proposé de te tenir compagnie le temps que ça passe.",
        "Salut {name}, je suis là en renfort pendant que tes buddies sont occupés.",
        "Hello {name}, je passe te voir, on ne se connaît pas encore, mais je suis là.",
        "Bonjour {name} 💛",
        "Salut {name}, j'ai vu ton message.",
        "Coucou {name}, je prends le relais quelques jours si tu veux bien.",
    ),
    "en": (
        "Hi {name}, I was asked to keep you company while this blows over.",
        "Hey {name}, I'm stepping in while your buddies are away.",
        "Hello {name}, we haven't met yet, but I'm here.",
        "Hi {name} 💛",
        "Hey {name}, I saw your note.",
        "Hello {name}, I'm around for the next few days if you'd like.",
    ),
}

_SUPPORT_BY_SETBACK: dict[str, Texts] = {
    "client_lost": {
        "fr": ("Perdre un client, ça secoue, et quand on travaille en solo c'est encore pire. Tu veux en "
               "parler ?",
               "J'ai vécu la même chose l'an dernier. On peut regarder ensemble ce qui s'est passé, "
               "ou juste parler d'autre chose.",
               "Ça ne dit rien de ta valeur. Tu veux qu'on s'appelle dix minutes ?"),
        "en": ("Losing a client stings, and it's worse on your own. Want to talk it through?",
               "I went through the same last year. We can look at what happened together, or just "
               "talk about something else.",
               "It says nothing about your worth. Fancy a ten-minute call?"),
    },
    "tender_lost": {
        "fr": ("Un appel d'offres perdu, c'est des semaines de travail qui piquent. Courage.",
               "Si tu veux, on relit ensemble le retour de l'acheteur, ça aide pour le prochain.",
               "Perdre un AO, ça arrive à tout le monde. Tu veux qu'on en parle ?"),
        "en": ("A lost tender is weeks of work that hurt. Hang in there.",
               "If you like, we can read the buyer's feedback together, it helps for the next one.",
               "Everyone loses tenders. Want to talk about it?"),
    },
    "payment_late": {
        "fr": ("Les retards de paiement, c'est épuisant. J'ai un modèle de relance qui marche "
               "bien, je te l'envoie ?",
               "On peut préparer ensemble une relance ferme mais polie, si tu veux.",
               "Attendre un virement, ça pèse sur tout le reste. Je suis là si tu veux en parler."),
        "en": ("Late payments are exhausting. I have a chaser template that works, want it?",
               "We could draft a firm but polite reminder together, if you like.",
               "Waiting on a payment weighs on everything else. I'm here if you want to talk."),
    },
    "rough_day": {
        "fr": ("Les jours sans, ça arrive. Raconte-moi, ou pas, comme tu veux.",
               "Aujourd'hui, je suis là pour toi. Un appel, un message, je suis dispo.",
               "Parfois il suffit d'en parler pour que ça aille mieux. Je t'écoute."),
        "en": ("Rough days happen. Tell me about it, or don't, whatever helps.",
               "You're not alone today. A call, a message, I'm around.",
               "Sometimes just saying it out loud helps. I'm listening."),
    },
}
_SUPPORT_ANY: Texts = {
    "fr": ("Je suis là si tu veux en parler.", "Un appel de dix minutes, ça te dirait ?",
           "Raconte-moi quand tu veux."),
    "en": ("I'm here if you want to talk.", "Would a ten-minute call help?",
           "Tell me whenever you like."),
}


def support_greeting(rng: random.Random, lang: str, their_first_name: str | None,
                     setback_kind: str | None) -> str:
    """The first message of a temporary support buddy, after a setback (or an urgent ask)."""
    opening = _say(_pick(rng, _SUPPORT_OPENINGS, lang), their_first_name)
    body = _pick(rng, _SUPPORT_BY_SETBACK.get(setback_kind or "", _SUPPORT_ANY), lang)
    return f"{opening} {body}"


# --- reactions -----------------------------------------------------------------------------

_CHEERS: Texts = {
    "fr": ("Bravooo ! 🍾", "Trop bien, félicitations !", "Énorme, tu le mérites !",
           "Je trinque avec toi ce soir 🥂", "Ça, c'est une belle nouvelle. Raconte-moi tout !",
           "Yes ! Tu vois, ça paie.", "Félicitations, vraiment. Savoure !",
           "Quelle nouvelle ! On fête ça quand ?"),
    "en": ("Brilliant! 🍾", "So good, congratulations!", "Huge, you deserve it!",
           "Raising a glass to you tonight 🥂", "Now that's good news. Tell me everything!",
           "Yes! See, it pays off.", "Congratulations, really. Enjoy it!",
           "What news! When do we celebrate?"),
}
_CHEERS_BY_KIND: dict[str, Texts] = {
    "client_won": {"fr": ("Un nouveau client, bravo ! Ils ont du flair.", "Signé ! Tu as bien négocié ?"),
                   "en": ("A new client, well done! They've got good taste.",
                          "Signed! Did you get your rate?")},
    "first_client": {"fr": ("Le premier, c'est toujours le plus beau. Bravo !",
                            "Premier client, énorme ! Le début d'une longue liste."),
                     "en": ("The first one is always the best. Well done!",
                            "First client, huge! The start of a long list.")},
    "tender_won": {"fr": ("Un appel d'offres gagné, champagne ! 🍾",
                          "Gagner un AO, c'est du sérieux. Chapeau."),
                   "en": ("A tender won, champagne! 🍾", "Winning a tender is serious stuff. Hats off.")},
    "project_delivered": {"fr": ("Livré ! Repose-toi un peu ce soir.",
                                 "Bravo pour la livraison, ça doit faire du bien."),
                          "en": ("Delivered! Take it easy tonight.",
                                 "Well done on shipping it, that must feel good.")},
    "milestone": {"fr": ("Belle étape ! Prends le temps de la savourer.", "Quel chemin parcouru, bravo."),
                  "en": ("What a milestone! Take a moment to enjoy it.",
                         "Look how far you've come. Well done.")},
}
_COMFORTS: Texts = {
    "fr": ("Aïe. Je pense à toi.", "Ça arrive aux meilleurs, vraiment. Courage.",
           "Je suis là si tu veux en parler. Un appel ?", "Respire, ça ne dit rien de ta valeur.",
           "Courage 💛 On en parle quand tu veux.", "Dur. Tu veux qu'on débriefe ensemble demain ?"),
    "en": ("Ouch. Thinking of you.", "It happens to the best of us, honestly. Hang in there.",
           "I'm here if you want to talk. Call?", "Breathe, this says nothing about your worth.",
           "Sending strength 💛 Talk whenever you like.", "Tough one. Want to debrief together tomorrow?"),
}
_COMFORTS_BY_KIND: dict[str, Texts] = {
    "client_lost": {"fr": ("Perdre un client, ça secoue. Tu sais pourquoi ?",
                           "Un client de perdu… et de la place pour un meilleur. Courage."),
                    "en": ("Losing a client is a jolt. Do you know why?",
                           "One client gone, and room for a better one. Hang in there.")},
    "tender_lost": {"fr": ("Les AO, c'est aussi une loterie. Demande un retour, ça sert pour le prochain.",
                           "Perdu de peu, c'est la preuve que ton dossier tenait la route."),
                    "en": ("Tenders are partly a lottery. Ask for feedback, it helps next time.",
                           "A near miss means your bid was solid.")},
    "payment_late": {"fr": ("Relance par écrit avec une date précise et les pénalités de retard. Courage !",
                            "Les retards de paiement, c'est usant. Tu veux mon modèle de relance ?"),
                     "en": ("Chase in writing with a firm date and the late fees. You've got this!",
                            "Late payments wear you down. Want my reminder template?")},
    "rough_day": {"fr": ("Ferme l'ordi tôt ce soir, tu l'as mérité.",
                         "Les jours sans existent. Demain sera meilleur."),
                  "en": ("Close the laptop early tonight, you've earned it.",
                         "Off days happen. Tomorrow will be better.")},
}
_HELP: Texts = {
    "fr": ("Je regarde ça et je te réponds vite.", "Bonne question. On s'appelle 10 minutes ?",
           "J'ai vécu un cas proche, je t'écris en privé.",
           "Mon réflexe : poser ta limite par écrit, calmement.",
           "Je te donne mon avis en message, deux minutes."),
    "en": ("Looking into it, I'll get back to you quickly.", "Good question. 10-minute call?",
           "I had a similar case, I'll message you.", "My instinct: set your limit in writing, calmly.",
           "I'll send you my take in a message, two minutes."),
}
_HELP_BY_KIND: dict[str, Texts] = {
    "urgent_advice": {"fr": ("Dispo maintenant, appelle-moi !",
                             "Ne signe rien dans la précipitation. Je t'appelle dans 5 min ?"),
                      "en": ("Free right now, call me!",
                             "Don't sign anything in a rush. Shall I call you in 5?")},
    "client_question": {"fr": ("Moi je facture tout ce qui sort du devis, avec un avenant. Ça passe bien.",
                               "Reformule-lui le périmètre du devis, souvent ça suffit."),
                        "en": ("I bill anything outside the quote with a change order. Clients accept it.",
                               "Restate the scope of the quote to them, that's often enough.")},
    "project_idea": {"fr": ("Ton idée me plaît ! Je peux aider sur une partie.",
                            "Je connais quelqu'un de parfait pour ça, je te le présente ?"),
                     "en": ("Love the idea! I could help with part of it.",
                            "I know someone perfect for this, shall I introduce you?")},
}


def reaction(rng: random.Random, lang: str, moment_kind: str, note: str | None) -> tuple[str, str]:
    """A buddy's reaction to a moment: ("cheer", ...) for a win, ("support", ...) for a setback
    or an ask (a helpful line; when the note asks a question, an answer to it)."""
    lang = _lang(lang)
    if moment_kind in WINS:
        texts = _CHEERS[lang] + _CHEERS_BY_KIND[moment_kind][lang]
        return "cheer", rng.choice(texts)
    if moment_kind in SETBACKS:
        texts = _COMFORTS[lang] + _COMFORTS_BY_KIND[moment_kind][lang]
        return "support", rng.choice(texts)
    by_kind = _HELP_BY_KIND.get(moment_kind, {"fr": (), "en": ()})
    if note and "?" in note and moment_kind in ASKS and rng.random() < 0.5:
        return "support", _fit(_answer(rng, lang, None, note), REACTION_MAX)
    return "support", rng.choice(_HELP[lang] + by_kind[lang])


def thanks_for_reaction(rng: random.Random, lang: str, their_first_name: str | None) -> str:
    """A word back to the buddy who cheered or supported one of my moments."""
    return _say(_pick(rng, _THANKS_FOR_REACTION, lang), their_first_name)


_THANKS_FOR_REACTION: Texts = {
    "fr": ("Merci {name} ! Ça me fait vraiment plaisir 😊", "Merci {name}, ça compte beaucoup.",
           "Oh merci {name} ! Ça fait du bien de pouvoir partager ça.",
           "Merci pour ton message {name}, il tombe pile au bon moment.",
           "Trop gentil, merci {name} 🙏", "Merci {name} ! On se raconte la suite bientôt ?",
           "Merci d'être là {name}, vraiment."),
    "en": ("Thanks {name}! That really made my day 😊", "Thank you {name}, it means a lot.",
           "Aw thanks {name}! So nice to have someone to share this with.",
           "Thanks for your note {name}, perfect timing.", "So kind, thank you {name} 🙏",
           "Thanks {name}! Catch up soon?", "Thanks for being there {name}, really."),
}


# --- replies -------------------------------------------------------------------------------

_THANK_WORDS = ("merci", "thank*", "thx", "cheers", "gracias", "obrigad*", "danke")
_GOOD_WORDS = ("bravo", "signe*", "gagne*", "super", "genial*", "content*", "heureu*", "yes", "won",
               "great", "signed", "happy", "awesome", "delivered", "livre*", "good news")
_BAD_WORDS = ("perdu*", "dur", "dure", "fatigue*", "galere*", "stress*", "triste", "marre", "lost", "tough",
              "tired", "hard", "sad", "rough", "late", "retard*", "annule*", "cancel*")

# What a question is about, most specific first: its keywords, then answers by language.
_TOPICS: tuple[tuple[tuple[str, ...], Texts], ...] = (
    (("appel*", "telephon*", "visio", "call*", "phone", "zoom", "ring"), {
        "fr": ("Oui, avec plaisir ! Demain 10h ou jeudi 14h, ça te va ?",
               "Bonne idée, un appel c'est plus simple. Je suis libre en fin d'après-midi.",
               "Carrément. Envoie-moi un « call me » avec tes créneaux, je prends le premier.",
               "Oui ! Vingt minutes demain matin, juste après mon café ?"),
        "en": ("Yes, happy to! Tomorrow 10am or Thursday 2pm, does that work?",
               "Good idea, a call is easier. I'm free late afternoon.",
               "Sure. Send me a 'call me' with your slots and I'll take the first one.",
               "Yes! Twenty minutes tomorrow morning, right after my coffee?"),
    }),
    (("cafe", "dejeuner", "verre", "se voir", "coffee", "lunch", "drink", "meet", "catch up"), {
        "fr": ("Avec plaisir ! Jeudi midi, ça te dit ?", "Oui ! Je connais un café calme où on peut "
               "travailler ensemble l'après-midi.", "Grave ! Dis-moi tes jours, je m'adapte.",
               "Bonne idée, ça me sortira de chez moi. La semaine prochaine ?"),
        "en": ("I'd love that! Thursday lunchtime?", "Yes! I know a quiet café where we could "
               "cowork in the afternoon.", "Absolutely, tell me your days and I'll fit in.",
               "Great idea, it'll get me out of the house. Next week?"),
    }),
    (("ca va", "comment vas", "comment tu vas", "la forme", "how are you", "how's it going",
      "how is it going", "how are things", "how have you been"), {
        "fr": ("Ça va bien, merci ! Une semaine chargée mais belle. Et toi ?",
               "Plutôt bien ! Un peu de fatigue, mais les projets avancent. Et de ton côté ?",
               "Ça va, ça vient 😄 Deux gros rendus cette semaine. Et toi, ça tient ?",
               "Très bien ! J'ai enfin rangé mon bureau, c'est dire. Et toi ?"),
        "en": ("Good, thanks! Busy week but a nice one. You?",
               "Pretty well! A bit tired, but things are moving. How about you?",
               "Up and down 😄 Two big deliveries this week. Holding up on your side?",
               "Great! I finally tidied my desk, that says it all. You?"),
    }),
    (("tarif*", "prix", "devis", "factur*", "taux", "budget*", "remise", "rate*", "pric*", "quot*",
      "invoic*", "discount*", "charg*", "fee*"), {
        "fr": ("Moi je ne baisse jamais mon tarif, je réduis le périmètre à la place. Ça marche "
               "presque toujours.", "Je facture à la journée, et tout ce qui sort du devis passe "
               "en avenant. Tu veux voir mon modèle ?", "Franchement, tu es sûrement en dessous du "
               "marché. Je monterais de 10 % au prochain devis.", "Demande un acompte de 30 %, "
               "c'est normal et ça filtre les clients pas sérieux."),
        "en": ("I never lower my rate, I cut the scope instead. Works almost every time.",
               "I charge by the day, and anything outside the quote becomes a change order. Want "
               "my template?", "Honestly, you're probably under the market. I'd add 10% on the "
               "next quote.", "Ask for a 30% deposit, it's normal and it filters out the "
               "clients who aren't serious."),
    }),
    (("client*", "customer*"), {
        "fr": ("À ta place, je lui proposerais un point de 20 minutes pour clarifier ses "
               "attentes, par écrit ensuite.", "J'ai eu le même genre de client. Ce qui a marché : "
               "poser des limites tôt, gentiment mais clairement.", "Je pense qu'il faut lui "
               "répondre calmement, avec deux options au choix. Il se sentira écouté.",
               "Parfois le mieux, c'est de laisser passer une nuit avant de répondre."),
        "en": ("In your shoes I'd suggest a 20-minute call to clarify what they expect, then put "
               "it in writing.", "I had a client just like that. What worked: set boundaries "
               "early, kindly but clearly.", "I'd answer calmly with two options to choose from. "
               "They'll feel heard.", "Sometimes the best move is to sleep on it before replying."),
    }),
    (("quand", "dispo", "disponible", "when", "available", "free"), {
        "fr": ("Je suis dispo demain après-midi, et vendredi matin.",
               "Cette semaine c'est chargé, mais lundi prochain je suis tout à toi.",
               "Je peux en fin de journée, vers 17h30.", "Demain midi, ça me va très bien."),
        "en": ("I'm free tomorrow afternoon, and Friday morning.",
               "This week's packed, but next Monday I'm all yours.",
               "I can do end of day, around 5:30pm.", "Tomorrow lunchtime works for me."),
    }),
)
_STRAIGHT_TOPICS = 3  # the first three of _TOPICS
_ANY_QUESTION: Texts = {
    "fr": ("Bonne question ! Moi je ferais confiance à ton instinct, il est rarement à côté.",
           "Je dirais oui, mais en posant tes conditions dès le départ.",
           "Honnêtement, je ne sais pas, mais je peux demander autour de moi.",
           "Je pense que oui. Tu veux qu'on en parle de vive voix ?",
           "Ça dépend de ce que tu veux dans six mois. Qu'est-ce qui compte le plus pour toi ?"),
    "en": ("Good question! I'd trust your instinct, it's rarely wrong.",
           "I'd say yes, but set your conditions from the start.",
           "Honestly, I'm not sure, but I can ask around.",
           "I think so. Want to talk it over on a call?",
           "Depends where you want to be in six months. What would make you proud?"),
}
_ANSWER_OPENINGS: Texts = {
    "fr": ("", "", "Alors, {name}… ", "Hmm, bonne question {name}. "),
    "en": ("", "", "So, {name}… ", "Hmm, good question {name}. "),
}
_THANKS_REPLIES: Texts = {
    "fr": ("Avec plaisir {name} 😊", "De rien ! Tu aurais fait pareil.",
           "Mais de rien {name}, c'est fait pour ça, les buddies.",
           "Avec grand plaisir. Tiens-moi au courant !", "C'est normal {name} 🙂",
           "Pas de quoi ! Tu me rendras la pareille."),
    "en": ("My pleasure {name} 😊", "No worries! You'd have done the same.",
           "Anytime {name}, that's what buddies are for.", "Happy to help. Keep me posted!",
           "Of course {name} 🙂", "Don't mention it! You'll return the favour."),
}
_FOLLOW_UPS: dict[str, Texts] = {
    "good": {
        "fr": ("Trop bien ! Raconte-moi la suite.", "Génial {name}, ça me fait super plaisir pour toi.",
               "Ça fait plaisir à lire 🎉", "Bravo ! C'est tellement mérité.",
               "Top ! On fête ça à notre prochain appel ?", "Super nouvelle, profites-en !"),
        "en": ("Love it! Tell me what happens next.", "Brilliant {name}, so happy for you.",
               "That's lovely to read 🎉", "Well done! You worked for this.",
               "Great! Celebrate on our next call?", "Great news, enjoy it!"),
    },
    "bad": {
        "fr": ("Oh, je comprends. Prends soin de toi {name}.", "C'est dur, ça. Tu veux en parler ?",
               "Courage, ça va passer. Je suis là 💛", "Je vois. Qu'est-ce qui t'aiderait, là, maintenant ?",
               "Ça arrive, et ça ne dure pas. On s'appelle demain ?", "Pas simple. Garde-moi au courant."),
        "en": ("Oh, I get it. Take care of yourself {name}.", "That's hard. Want to talk about it?",
               "Hang in there, it'll pass. I'm here 💛", "I see. What would help right now?",
               "It happens, and it won't last. Call tomorrow?", "Not easy. Keep me posted."),
    },
    "neutral": {
        "fr": ("Ah oui ? Raconte-moi la suite !", "Je vois tout à fait {name}.",
               "Bien noté 👍 On en reparle cette semaine ?", "Ça me parle complètement.",
               "Intéressant ! Et toi, tu en penses quoi ?", "Tiens-moi au courant !"),
        "en": ("Oh really? Tell me more!", "I know exactly what you mean {name}.",
               "Noted 👍 Shall we pick this up this week?", "That really resonates.",
               "Interesting! What do you make of it?", "Keep me posted!"),
    },
}


def _answer(rng: random.Random, lang: str, name: str | None, question: str) -> str:
    lang = _lang(lang)
    text = _plain(question)
    answers, ponder = _ANY_QUESTION, True
    for index, (words, by_language) in enumerate(_TOPICS):
        if _has_any(text, words):
            # A call, a coffee, "how are you": answered straight, without pondering first.
            answers, ponder = by_language, index >= _STRAIGHT_TOPICS
            break
    opening = _say(rng.choice(_ANSWER_OPENINGS[lang]), name) if ponder else ""
    if opening.endswith("… ") and not _clean_name(name):  # "So… " alone reads oddly
        opening = ""
    return opening + rng.choice(answers[lang])


def reply(rng: random.Random, lang: str, their_first_name: str | None, text: str) -> str:
    """An answer to a buddy's message: to its question when it asks one, a "you're welcome" when
    it thanks, else a short follow-up in the tone of what it says."""
    lang = _lang(lang)
    if "?" in text:
        return _fit(_answer(rng, lang, their_first_name, text), MESSAGE_MAX)
    plain = _plain(text)
    if _has_any(plain, _THANK_WORDS):
        return _say(rng.choice(_THANKS_REPLIES[lang]), their_first_name)
    mood = "good" if _has_any(plain, _GOOD_WORDS) else "bad" if _has_any(plain, _BAD_WORDS) else "neutral"
    return _say(rng.choice(_FOLLOW_UPS[mood][lang]), their_first_name)


# --- focus ---------------------------------------------------------------------------------

_FOCUS: Texts = {
    "fr": ("Je passe en mode concentration jusqu'à {until}, je te lis après !",
           "Grosse session de travail jusqu'à {until} 🎧 Je reviens vers toi ensuite.",
           "Je coupe les notifs jusqu'à {until}, rendu à boucler. À tout à l'heure !",
           "Tunnel jusqu'à {until}. Je te réponds dès que j'en sors.",
           "Concentration maximale jusqu'à {until}, je te lis juste après.",
           "Je me mets en bulle jusqu'à {until} ; si c'est urgent, laisse un message, je le verrai en "
           "sortant."),
    "en": ("Going into deep focus until {until}, I'll read you after!",
           "Heads-down session until {until} 🎧 I'll get back to you then.",
           "Muting notifications until {until}, a deadline to hit. Talk soon!",
           "In the tunnel until {until}. I'll reply as soon as I'm out.",
           "Full focus until {until}, I'll read you right after.",
           "In my bubble until {until}; if it's urgent, leave a note and I'll see it when I'm out."),
}


def focus_notice(rng: random.Random, lang: str, until_hhmm: str) -> str:
    """Telling a buddy I go into deep focus until a time (HH:MM, in my time zone)."""
    lang = _lang(lang)
    return rng.choice(_FOCUS[lang]).format(until=_hhmm(until_hhmm, lang))


# --- moments -------------------------------------------------------------------------------

_MOMENTS: dict[str, Texts] = {
    "client_won": {
        "fr": ("Signé ce matin : {client} me confie {work} !",
               "{Client} a dit oui ! Je démarre {work} lundi.",
               "Nouveau client : {client}, pour {work}. Quelle journée 🎉",
               "Devis accepté par {client} pour {work}. Je n'arrête pas de sourire.",
               "Ça y est, {client} valide mon devis pour {work}. On attaque la semaine prochaine.",
               "Après trois rendez-vous, {client} signe pour {work} !"),
        "en": ("Signed this morning: {client} hired me for {work}!",
               "{Client} said yes! I start {work} on Monday.",
               "New client: {client}, for {work}. What a day 🎉",
               "Quote accepted by {client} for {work}. Can't stop smiling.",
               "That's it, {client} approved my quote for {work}. Kicking off next week.",
               "After three meetings, {client} signed for {work}!"),
    },
    "first_client": {
        "fr": ("Premier client pour ma nouvelle offre : {client}, pour {work} !",
               "Premier client de l'année : {client} me confie {work}. Ça lance bien l'année.",
               "Premier contrat venu du bouche-à-oreille : {client}, pour {work} 🥹",
               "Premier client trouvé sans aucune prospection : {client}, pour {work}."),
        "en": ("First client for my new offer: {client}, for {work}!",
               "First client of the year: {client} hired me for {work}. Great start.",
               "First contract that came purely by word of mouth: {client}, for {work} 🥹",
               "First client I didn't have to chase: {client}, for {work}."),
    },
    "tender_won": {
        "fr": ("Appel d'offres gagné ! {Client} me retient pour {work}. Avec qui je bois le champagne ? 🍾",
               "{Client} me retient sur appel d'offres pour {work}. Trois semaines de dossier, ça valait "
               "le coup.",
               "Bonne nouvelle : {client} retient ma réponse à son appel d'offres. {Work}, c'est pour moi !",
               "Nouvelle du jour : {client} me choisit parmi cinq candidats pour {work} !"),
        "en": ("Tender won! {Client} picked me for {work}. Who's drinking the champagne with me? 🍾",
               "Won the tender from {client} for {work}. Three weeks on the bid, worth every minute.",
               "My bid to {client} was accepted: {work} is mine!",
               "Just heard {client} chose me out of five for {work}."),
    },
    "project_delivered": {
        "fr": ("Livré : {work} pour {client}. Retours très positifs.",
               "Et voilà, {work} pour {client} : c'est livré, validé, facturé. Quel soulagement.",
               "Projet bouclé avec {client} : {work}. Ils en redemandent déjà.",
               "J'ai livré {work} pour {client} avec deux jours d'avance 💪"),
        "en": ("Delivered: {work} for {client}. Lovely feedback.",
               "{Work}: delivered, approved, invoiced. What a relief.",
               "Wrapped up with {client}: {work}. They already want more.",
               "Delivered {work} for {client} two days early 💪"),
    },
    "milestone": {
        "fr": ("Un an à mon compte aujourd'hui. Merci d'être là.",
               "J'ai enfin augmenté mes tarifs, et personne n'est parti.",
               "Mon planning est plein jusqu'à la fin du trimestre.",
               "Cent factures envoyées depuis mes débuts !",
               "Mi-parcours sur {work} pour {client}, et on est dans les temps.",
               "J'ai dit non à une mission qui ne me ressemblait pas. Petite victoire.",
               "Premier mois où je me verse un vrai salaire 🎉"),
        "en": ("One year freelancing today. Thanks for being around.",
               "Finally raised my rates, and nobody left.",
               "Fully booked until the end of the quarter.",
               "A hundred invoices sent since I started!",
               "Halfway through {work} for {client}, and right on schedule.",
               "Said no to a job that wasn't me. Small victory.",
               "First month I paid myself a proper salary 🎉"),
    },
    "client_lost": {
        "fr": ("{Client} arrête de travailler avec moi. Ça pique.",
               "Coup dur : {client} arrête {work}, budget coupé.",
               "Mail reçu ce matin : {client} ne renouvelle pas {work}. Je ne l'ai pas vu venir.",
               "{Client} reprend {work} en interne. Rien de personnel, paraît-il, mais ça fait un trou "
               "dans mon mois."),
        "en": ("{Client} is ending our work together. That stings.",
               "Tough one: {client} ended {work}, budget cut.",
               "Email this morning: {client} isn't renewing {work}. Didn't see it coming.",
               "{Client} is taking {work} in-house. Nothing personal, apparently, but it leaves a hole in "
               "my month."),
    },
    "tender_lost": {
        "fr": ("Appel d'offres perdu pour {work}. Deuxième sur cinq, si près…",
               "{Client} a choisi une agence plus grosse pour {work}.",
               "Ma proposition pour {work} n'a pas été retenue par {client}. Je demande un retour.",
               "Trois semaines de dossier pour {client}, et c'est non. Je digère."),
        "en": ("Lost the tender for {work}. Second out of five, so close…",
               "{Client} went with a bigger agency for {work}.",
               "My proposal for {work} wasn't picked by {client}. Asking for feedback.",
               "Three weeks on the bid for {client}, and it's a no. Digesting."),
    },
    "payment_late": {
        "fr": ("Facture pour {work} impayée depuis 45 jours, et {client} ne répond plus.",
               "Toujours pas payé pour {work}. Deuxième relance envoyée à {client}.",
               "{Client} me promet le virement « la semaine prochaine » depuis un mois.",
               "Retard de paiement : {client} n'a toujours pas viré, et ça commence à peser sur ma "
               "trésorerie."),
        "en": ("Invoice for {work} unpaid for 45 days, and {client} has gone silent.",
               "Still not paid for {work}. Second reminder sent to {client}.",
               "{Client} has been promising the transfer 'next week' for a month.",
               "Late payment from {client}: it's starting to squeeze my cash flow."),
    },
    "rough_day": {
        "fr": ("Journée sans : rien n'avance sur {work}.",
               "Grosse fatigue, et {client} qui change d'avis pour la troisième fois.",
               "Aujourd'hui, le syndrome de l'imposteur a gagné. Demain ça ira mieux.",
               "Ordinateur en panne, rendu demain, moral en berne.",
               "Personne à qui parler de la journée. Ça pèse, parfois."),
        "en": ("Off day: nothing's moving on {work}.",
               "Exhausted, and {client} changed their mind for the third time.",
               "Impostor syndrome won today. Tomorrow will be better.",
               "Laptop died, deadline tomorrow, spirits low.",
               "Haven't spoken to anyone all day. It weighs on you sometimes."),
    },
    "client_question": {
        "fr": ("{Client} me demande {work} pour la semaine prochaine à moitié prix. Vous feriez comment ?",
               "Comment vous facturez les allers-retours en plus ? Cinquième version demandée par "
               "{client} pour {work}.",
               "{Client} veut que je cède tous les droits sur {work}. C'est normal, à votre avis ?",
               "Un client me demande une remise parce qu'il « me fait de la pub ». Vous répondez quoi ?"),
        "en": ("{Client} wants {work} next week at half price. How would you handle it?",
               "How do you bill extra rounds of changes? {Client} is on version five of {work}.",
               "{Client} wants all rights to {work}. Is that normal, do you think?",
               "A client wants a discount because they'll 'give me exposure'. What do you say?"),
    },
    "urgent_advice": {
        "fr": ("Besoin d'un avis rapide : {client} veut signer aujourd'hui mais refuse l'acompte. "
               "J'accepte ?",
               "Urgent : {client} me demande de commencer {work} avant d'avoir signé le devis. Je fais "
               "quoi ?",
               "Appel avec {client} dans une heure, ils veulent baisser le budget de 30 %. Comment je "
               "tiens mon prix ?",
               "{Client} conteste ma facture pour {work}. Quelqu'un a cinq minutes pour m'aider à "
               "répondre ?"),
        "en": ("Quick opinion needed: {client} wants to sign today but refuses a deposit. Do I accept?",
               "Urgent: {client} wants me to start {work} before the quote is signed. What do I do?",
               "Call with {client} in an hour, they want to cut the budget by 30%. How do I hold my price?",
               "{Client} is disputing my invoice for {work}. Anyone got five minutes to help me reply?"),
    },
}

# How often a member logs each kind on a schedule: wins 60 %, setbacks 25 %, questions 15 %.
SCHEDULE_WEIGHTS: dict[str, int] = {
    "client_won": 20, "first_client": 4, "tender_won": 10, "project_delivered": 16, "milestone": 10,
    "client_lost": 8, "tender_lost": 6, "payment_late": 5, "rough_day": 6,
    "client_question": 8, "urgent_advice": 7,
}
FIRST_WIN_WEIGHTS: dict[str, int] = {
    "client_won": 40, "tender_won": 20, "project_delivered": 30, "milestone": 10}


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _note(rng: random.Random, lang: str, persona: Persona, kind: str) -> str:
    lang = _lang(lang)
    clients, works = sector_words.clients_and_work(persona.profile.get("sector"), lang)
    client, work = rng.choice(clients), rng.choice(works)
    template = rng.choice(_MOMENTS[kind][lang])
    note = template.format(client=client, Client=_capitalised(client), work=work,
                           Work=_capitalised(work))
    return _fit(note, NOTE_MAX)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def moment(rng: random.Random, lang: str, persona: Persona) -> tuple[str, str]:
    """A moment this persona logs on a schedule: its kind and a note about their trade."""
    kind = _weighted(rng, SCHEDULE_WEIGHTS)
    return kind, _note(rng, lang, persona, kind)


def first_win(rng: random.Random, lang: str, persona: Persona) -> tuple[str, str]:
    """A win to show a newcomer early: always one of the win kinds."""
    kind = _weighted(rng, FIRST_WIN_WEIGHTS)
    return kind, _note(rng, lang, persona, kind)


# --- check-ins -----------------------------------------------------------------------------

def check_in_answer(rng: random.Random) -> str:
    """How a demo member answers a check-in: keep going, almost always (now and then, change
    our mode); never ending the buddyship."""
    return "keep_going" if rng.random() < 0.96 else "change_mode"
