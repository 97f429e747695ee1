"""Every refusal a member's app shows, in French and English.

Messages are written in English as templates (``"no member has the id {member_id!r}"``) and
rendered in the language of the request being served: the gateway picks it from
Accept-Language, passes it to the services with the request's context, and each worker binds
it for the code it runs. Messages from libraries (marshmallow, webargs) arrive already
written in English; ``translate`` knows their usual shapes.
"""

import re
from contextvars import ContextVar

from .vocabulary import LANGUAGES

DEFAULT_LANGUAGE = "en"
_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def use_language(language: str | None) -> None:
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _language.get()


# English template -> French template, with the same {placeholders}.
FRENCH: dict[str, str] = {
    # members and accounts
    "no member has the id {member_id!r}; check the id returned at registration":
        "aucun membre n'a l'identifiant {member_id!r} ; vérifiez l'identifiant reçu à "
        "l'inscription",
    "no member has the id {member_id!r}; check the id you were given":
        "aucun membre n'a l'identifiant {member_id!r} ; vérifiez l'identifiant qu'on vous a donné",
    "a member with the email {email} is already registered; use another address":
        "un membre est déjà inscrit avec l'adresse {email} ; utilisez-en une autre",
    "the email or the password is wrong, or the address is not confirmed yet: open the link "
    "we mailed you":
        "l'adresse e-mail ou le mot de passe est incorrect, ou l'adresse n'est pas encore "
        "confirmée : ouvrez le lien que nous vous avons envoyé par e-mail",
    "this link is not one of ours, or it was cut short: open it again from the mail, whole, or "
    "ask for a new one":
        "ce lien n'est pas l'un des nôtres, ou il a été tronqué : ouvrez-le à nouveau depuis "
        "l'e-mail, en entier, ou demandez-en un nouveau",
    "this confirmation link was already used or is too old: sign in and ask for a new one with "
    "\"Resend\", or sign up again":
        "ce lien de confirmation a déjà servi ou est trop ancien : connectez-vous et demandez-en "
        "un nouveau avec « Renvoyer », ou inscrivez-vous à nouveau",
    "this password reset link was already used or is too old (links work 30 minutes, once): "
    "ask for a new one with \"Forgot your password?\"":
        "ce lien de réinitialisation a déjà servi ou est trop ancien (un lien sert une fois, "
        "pendant 30 minutes) : demandez-en un nouveau avec « Mot de passe oublié ? »",
    "must be the code from the link we mailed you, whole; open the link again or ask for a new "
    "one":
        "doit être le code du lien que nous vous avons envoyé, en entier ; ouvrez à nouveau le "
        "lien ou demandez-en un nouveau",
    "this is not your current password; type it again":
        "ce n'est pas votre mot de passe actuel ; saisissez-le à nouveau",
    "the profile is at revision {current}, not {given}: reload it and apply your change again":
        "le profil en est à la révision {current}, pas {given} : rechargez-le et refaites votre "
        "modification",
    "the profile changed meanwhile; reload it and apply your change again":
        "le profil a changé entre-temps ; rechargez-le et refaites votre modification",
    "addresses at {domain} belong to the demo community, which this system does not run: sign "
    "up with your own address":
        "les adresses en {domain} appartiennent à la communauté de démonstration, que ce système "
        "n'accueille pas : inscrivez-vous avec votre propre adresse",
    'If-Match must be the ETag of GET /v1/me, e.g. "rev-3"':
        'If-Match doit être l\'ETag de GET /v1/me, par exemple "rev-3"',
    # sessions and tokens
    "your session has ended; sign in again": "votre session est terminée ; reconnectez-vous",
    "this refresh token was already used, so it may have been copied: the session is closed "
    "for safety; sign in again":
        "ce jeton de renouvellement a déjà servi, il a donc pu être copié : la session est "
        "fermée par sécurité ; reconnectez-vous",
    "sign in first: send 'Authorization: Bearer <access token>'":
        "connectez-vous d'abord : envoyez 'Authorization: Bearer <jeton d'accès>'",
    "the access token is not valid; sign in again":
        "le jeton d'accès n'est pas valide ; reconnectez-vous",
    "the access token has expired; refresh it or sign in again":
        "le jeton d'accès a expiré ; renouvelez-le ou reconnectez-vous",
    "this session has ended; sign in again": "cette session est terminée ; reconnectez-vous",
    "this account is being erased, as its member asked; if that leave did not finish, sign "
    "in again in two minutes":
        "ce compte est en cours d'effacement, à la demande de son membre ; si ce départ n'a pas "
        "abouti, reconnectez-vous dans deux minutes",
    # buddyships
    "a member cannot be their own buddy; choose another member":
        "on ne peut pas être son propre buddy ; choisissez un autre membre",
    "these two members already have a proposed or active buddyship":
        "ces deux membres ont déjà un binôme proposé ou actif",
    "member {member_id} has no buddyship {buddyship_id!r}":
        "le membre {member_id} n'a pas de binôme {buddyship_id!r}",
    "only the invited member can answer this proposal; wait for your buddy to accept":
        "seul le membre invité peut répondre à cette proposition ; attendez que votre buddy "
        "accepte",
    "matching is busy proposing in another replica; try again in a minute":
        "le matching est déjà en train de proposer dans une autre instance ; réessayez dans "
        "une minute",
    "member {member_id} has no notification {item_id!r}":
        "le membre {member_id} n'a pas de notification {item_id!r}",
    "push notifications are not available on this server; use email and the app's notifications":
        "les notifications push ne sont pas disponibles sur ce serveur ; utilisez l'e-mail et les "
        "notifications de l'application",
    "member {member_id} has no push subscription {subscription_id!r}":
        "le membre {member_id} n'a pas d'abonnement push {subscription_id!r}",
    # a browser's push subscription
    "must have at most {max} characters": "doit avoir au plus {max} caractères",
    "must not contain spaces or control characters":
        "ne doit contenir ni espace ni caractère de contrôle",
    "must be a URL whose port is a number": "doit être une URL dont le port est un nombre",
    "must be an absolute https URL, the push service's endpoint as PushSubscription.toJSON() gives it":
        "doit être une URL https absolue, l'endpoint du service push tel que le donne "
        "PushSubscription.toJSON()",
    "must use https (plain http is accepted only for localhost and 127.0.0.1, in development)":
        "doit utiliser https (http n'est accepté que pour localhost et 127.0.0.1, en développement)",
    "must be base64url (letters, digits, '-' and '_'; '+' and '/' are plain base64), as "
    "PushSubscription.toJSON() gives it":
        "doit être en base64url (lettres, chiffres, '-' et '_' ; '+' et '/' sont du base64 simple), "
        "tel que le donne PushSubscription.toJSON()",
    "must decode to 65 bytes starting with 0x04 (an uncompressed P-256 public key), got {got} "
    "bytes: send keys.p256dh as PushSubscription.toJSON() gives it":
        "doit faire 65 octets une fois décodé, commençant par 0x04 (une clé publique P-256 non "
        "compressée), reçu {got} octets : envoyez keys.p256dh tel que le donne PushSubscription.toJSON()",
    "must be a point of the P-256 curve: send keys.p256dh as PushSubscription.toJSON() gives it":
        "doit être un point de la courbe P-256 : envoyez keys.p256dh tel que le donne "
        "PushSubscription.toJSON()",
    "must decode to 16 bytes (the auth secret), got {got}: send keys.auth as "
    "PushSubscription.toJSON() gives it":
        "doit faire 16 octets une fois décodé (le secret auth), reçu {got} : envoyez keys.auth tel "
        "que le donne PushSubscription.toJSON()",
    "too many live streams are open on this server; open it again in a few seconds":
        "trop de flux en direct sont ouverts sur ce serveur ; rouvrez-le dans quelques secondes",
    "a service cannot reach its database; nothing was changed: retry in a moment (with the same "
    "Idempotency-Key)":
        "un service ne joint pas sa base de données ; rien n'a été modifié : réessayez dans un "
        "instant (avec la même Idempotency-Key)",
    # links in mails
    "this link is too old; open the app to do this instead":
        "ce lien est trop ancien ; ouvrez l'application pour le faire",
    "this link is not one of ours, or it was cut short; open the app to do this instead":
        "ce lien ne vient pas de nous, ou il a été coupé ; ouvrez l'application pour le faire",
    "you have already accepted this proposal; it starts when your buddy accepts too":
        "vous avez déjà accepté cette proposition ; le binôme commence quand votre buddy "
        "accepte aussi",
    "this buddyship is {state}, not proposed: there is nothing to answer":
        "ce binôme est à l'état {state}, pas proposé : il n'y a rien à répondre",
    "you have blocked this member": "vous avez bloqué ce membre",
    "a member cannot block themselves": "on ne peut pas se bloquer soi-même",
    "only an active buddyship can be ended; this one is {state}":
        "seul un binôme actif peut prendre fin ; celui-ci est à l'état {state}",
    "this buddyship changed meanwhile; reload it":
        "ce binôme a changé entre-temps ; rechargez-le",
    "this proposal was answered meanwhile; reload it":
        "cette proposition a reçu une réponse entre-temps ; rechargez-la",
    "this buddyship is no longer active": "ce binôme n'est plus actif",
    "these two members were blocked meanwhile": "ces deux membres ont été bloqués entre-temps",
    # urgent asks
    "this ask was answered meanwhile": "cette demande a reçu une réponse entre-temps",
    "this ask changed meanwhile; look at it again":
        "cette demande a changé entre-temps ; regardez-la à nouveau",
    "another member already said yes to this ask; thank you for offering":
        "un autre membre a déjà dit oui à cette demande ; merci d'avoir proposé votre aide",
    "this ask is closed: the member who asked is no longer looking for help with it":
        "cette demande est close : le membre qui l'a faite ne cherche plus d'aide pour elle",
    "you said yes to this ask already: write to the member in your conversation, or end it":
        "vous avez déjà dit oui à cette demande : écrivez au membre dans votre conversation, "
        "ou mettez-y fin",
    "no ask {ask_id!r} was sent to you; see GET /v1/me/asks":
        "aucune demande {ask_id!r} ne vous a été adressée ; voir GET /v1/me/asks",
    "only an urgent ask (urgent_advice) can go to members who offered help; leave widen out "
    "for this kind":
        "seule une demande urgente (urgent_advice) peut aller aux membres prêts à aider ; "
        "retirez widen pour ce type de moment",
    # capacity
    "you have as many buddies and open proposals as your buddy capacity ({capacity}); raise it "
    "in your profile, or end a buddyship or wait for a proposal's answer, then propose again":
        "vous avez autant de buddies et de propositions en cours que votre capacité ({capacity}) ; "
        "augmentez-la dans votre profil, ou mettez fin à un binôme ou attendez la réponse à une "
        "proposition, puis proposez à nouveau",
    "this member has no room for another buddy right now; propose to someone else, or try again "
    "later":
        "ce membre n'a pas de place pour un autre buddy en ce moment ; proposez à quelqu'un "
        "d'autre, ou réessayez plus tard",
    "you already have {count} buddies and your buddy capacity is {capacity}; raise it in your "
    "profile or end a buddyship, then accept":
        "vous avez déjà {count} buddies et votre capacité est de {capacity} ; augmentez-la dans "
        "votre profil ou mettez fin à un binôme, puis acceptez",
    "this member has no room for another buddy any more; this proposal cannot start":
        "ce membre n'a plus de place pour un autre buddy ; cette proposition ne peut pas démarrer",
    "another proposal took this member's last free place meanwhile; try again":
        "une autre proposition a pris entre-temps la dernière place libre de ce membre ; "
        "réessayez",
    "confirm your email address first (the link is in the mail we sent you, and Resend sends "
    "another); then propose again":
        "confirmez d'abord votre adresse e-mail (le lien est dans le mail que nous vous avons "
        "envoyé, et « Renvoyer » en envoie un autre) ; puis proposez à nouveau",
    "this member has not confirmed their email address yet; propose again once they have":
        "ce membre n'a pas encore confirmé son adresse e-mail ; proposez-lui à nouveau quand ce "
        "sera fait",
    "this member is taking a break from new buddies until {until}; propose again after that "
    "day":
        "ce membre fait une pause : pas de nouveau buddy jusqu'au {until} ; proposez-lui à "
        "nouveau après cette date",
    "your buddy has not gone quiet: there is nothing to choose":
        "votre buddy ne s'est pas fait silencieux : il n'y a rien à choisir",
    "only a project idea (project_idea) looks for a partner; leave seeking_partner and "
    "skills_wanted out for this kind":
        "seule une idée de projet (project_idea) cherche un partenaire ; retirez seeking_partner "
        "et skills_wanted pour ce type de moment",
    "name at least one skill the project needs, so that a partner who has it can be found":
        "indiquez au moins une compétence dont le projet a besoin, pour trouver un partenaire "
        "qui l'a",
    # check-ins
    "member {member_id} has no check-in {check_in_id!r}":
        "le membre {member_id} n'a pas de point d'étape {check_in_id!r}",
    "this buddyship has ended; there is nothing left to answer":
        "ce binôme a pris fin ; il n'y a plus rien à répondre",
    "this check-in is closed ({outcome}); there is nothing left to answer":
        "ce point d'étape est clos ({outcome}) ; il n'y a plus rien à répondre",
    "this is already your mode; answer keep_going to keep it":
        "c'est déjà votre mode ; répondez keep_going pour le garder",
    "your buddy has not proposed another mode; answer keep_going, change_mode or end_kindly":
        "votre buddy n'a pas proposé d'autre mode ; répondez keep_going, change_mode ou "
        "end_kindly",
    "you proposed this mode; your buddy answers it":
        "vous avez proposé ce mode ; c'est à votre buddy d'y répondre",
    "this check-in changed meanwhile; look at it again":
        "ce point d'étape a changé entre-temps ; regardez-le à nouveau",
    "say which mode you propose: mode.commitment (momentary, regular or projects) and "
    "mode.rhythm (weekly, fortnightly or monthly)":
        "dites quel mode vous proposez : mode.commitment (momentary, regular ou projects) et "
        "mode.rhythm (weekly, fortnightly ou monthly)",
    "a mode goes only with the answer change_mode; leave it out or answer change_mode":
        "un mode ne va qu'avec la réponse change_mode ; retirez-le ou répondez change_mode",
    # conversations
    "no conversation {buddyship_id!r} among yours":
        "aucune conversation {buddyship_id!r} parmi les vôtres",
    "this buddyship has ended: its conversation stays readable but takes no new message":
        "ce binôme a pris fin : sa conversation reste lisible mais ne prend plus de message",
    "no message {message_id!r} in this conversation":
        "aucun message {message_id!r} dans cette conversation",
    "this conversation was read meanwhile; reload it":
        "cette conversation a été lue entre-temps ; rechargez-la",
    # moments and reactions
    "no member {member_id!r} among your buddies": "aucun membre {member_id!r} parmi vos buddies",
    "no moment {moment_id!r} among yours or your buddies'":
        "aucun moment {moment_id!r} parmi les vôtres ou ceux de vos buddies",
    "a moment is cheered by buddies, not by its author":
        "un moment s'applaudit par ses buddies, pas par son auteur",
    # requests
    "this Idempotency-Key was already used for a different request; use a new key for a new one":
        "cette Idempotency-Key a déjà servi pour une autre requête ; utilisez une nouvelle clé "
        "pour une nouvelle requête",
    "this Idempotency-Key was already used to propose to another member; use a new key for a "
    "new proposal":
        "cette Idempotency-Key a déjà servi pour proposer à un autre membre ; utilisez une "
        "nouvelle clé pour une nouvelle proposition",
    "{header} must be {rule}": "{header} doit comporter {rule}",
    "1 to 128 of the characters A-Z a-z 0-9 . _ : -, e.g. a UUID":
        "de 1 à 128 des caractères A-Z a-z 0-9 . _ : -, par exemple un UUID",
    "this cursor was not given by this list; start again without it":
        "ce curseur ne vient pas de cette liste ; recommencez sans lui",
    "{name}: {detail}": "{name} : {detail}",
    "the request is not valid: check {fields}": "la requête n'est pas valide : vérifiez {fields}",
    "send the request's fields as a JSON object, with Content-Type: application/json":
        "envoyez les champs de la requête en objet JSON, avec Content-Type: application/json",
    "the request body is larger than {limit} KiB; send a smaller one":
        "le corps de la requête dépasse {limit} Kio ; envoyez-en un plus petit",
    "too many requests ({limit}); wait for the number of seconds in Retry-After, then try again":
        "trop de requêtes ({limit}) ; attendez le nombre de secondes indiqué par Retry-After, "
        "puis réessayez",
    # the system
    "a service did not answer in time; retry in a moment":
        "un service n'a pas répondu à temps ; réessayez dans un instant",
    "the {service} service is not running; retry in a moment":
        "le service {service} ne fonctionne pas ; réessayez dans un instant",
    "the message broker is unreachable; retry in a moment":
        "le courtier de messages est injoignable ; réessayez dans un instant",
    "a service failed while handling this request; it has been logged under the correlation id":
        "un service a échoué en traitant cette requête ; c'est noté sous l'identifiant de "
        "corrélation",
    "something went wrong on our side; it has been logged under the correlation id":
        "quelque chose s'est mal passé de notre côté ; c'est noté sous l'identifiant de "
        "corrélation",
    "this path does not exist; see /docs for the API":
        "ce chemin n'existe pas ; voyez /docs pour l'API",
    "this method is not allowed here; see /docs for the API":
        "cette méthode n'est pas permise ici ; voyez /docs pour l'API",
    # field messages of our own schemas
    "must have between {min} and {max} characters": "doit avoir entre {min} et {max} caractères",
    "must be on one line, without control characters":
        "doit tenir sur une ligne, sans caractères de contrôle",
    "must be an IANA time zone such as Europe/Paris or America/Montreal":
        "doit être un fuseau horaire IANA comme Europe/Paris ou America/Montreal",
    "must be a time such as 22:30": "doit être une heure comme 22:30",
    "must be a two-letter ISO 639-1 code such as fr":
        "doit être un code ISO 639-1 de deux lettres comme fr",
    "must not repeat a value": "ne doit pas répéter une valeur",
    "must not contain control characters (line breaks and tabs are fine)":
        "ne doit pas contenir de caractères de contrôle (retours à la ligne et tabulations "
        "acceptés)",
    "must be times to come, within {days} days":
        "doit être des horaires à venir, dans les {days} jours",
    "must propose between {min} and {max} times": "doit proposer entre {min} et {max} horaires",
    "must be a message of 1 to 2,000 characters, or come with times to call (call_me)":
        "doit être un message de 1 à 2 000 caractères, ou proposer des horaires d'appel "
        "(call_me)",
    "must be a code such as K3Q7Z-X9MPA": "doit être un code comme K3Q7Z-X9MPA",
    "must be the first letters of a city, {min} to {max} characters":
        "doit être les premières lettres d'une ville, de {min} à {max} caractères",
    # meeting in person
    "{city!r} is not a city we know; to meet buddies in person, pick your city among the "
    "suggestions, or the nearest town":
        "nous ne connaissons pas la ville {city!r} ; pour rencontrer des buddies en personne, "
        "choisissez votre ville parmi les suggestions, ou la ville la plus proche",
    "to meet buddies in person, give your city too, so that matching knows who lives near you":
        "pour rencontrer des buddies en personne, indiquez aussi votre ville, pour que nous "
        "sachions qui habite près de chez vous",
    # invitations
    "this invitation is unknown, used or expired; ask the member who invited you for a new one":
        "cette invitation est inconnue, déjà utilisée ou expirée ; demandez-en une nouvelle au "
        "membre qui vous a invité",
}

# HTTP reason phrases, for a problem's title.
TITLES_FR = {
    400: "Requête invalide", 401: "Non authentifié", 403: "Interdit", 404: "Introuvable",
    405: "Méthode non permise", 409: "Conflit", 412: "Précondition non remplie",
    413: "Requête trop volumineuse", 422: "Requête non traitable", 429: "Trop de requêtes",
    500: "Erreur interne", 502: "Service en erreur", 503: "Service indisponible",
    504: "Délai dépassé",
}

# Messages of marshmallow and webargs, as they arrive (already formatted, in English).
_LIBRARY_FR: list[tuple[re.Pattern, str]] = [(re.compile(p), fr) for p, fr in (
    (r"^Missing data for required field\.$", "Champ obligatoire manquant."),
    (r"^Unknown field\.$", "Champ inconnu."),
    (r"^Field may not be null\.$", "Ce champ ne peut pas être nul."),
    (r"^Invalid input type\.$", "Type de donnée invalide."),
    (r"^Invalid JSON body\.$", "Le corps n'est pas du JSON valide."),
    (r"^Not a valid email address\.$", "Adresse e-mail invalide."),
    (r"^Not a valid string\.$", "Ce n'est pas un texte."),
    (r"^Not a valid integer\.$", "Ce n'est pas un nombre entier."),
    (r"^Not a valid boolean\.$", "Ce n'est pas un booléen (true ou false)."),
    (r"^Not a valid list\.$", "Ce n'est pas une liste."),
    (r"^Not a valid mapping type\.$", "Ce n'est pas un objet."),
    (r"^Not a valid datetime\.$", "Date et heure invalides."),
    (r"^Not a valid aware datetime\.$", "Date et heure sans fuseau horaire."),
    (r"^String does not match expected pattern\.$", "Le texte n'a pas la forme attendue."),
    (r"^Must be one of: (?P<choices>.*)\.$", "Doit valoir l'une de ces valeurs : {choices}."),
    (r"^Longer than maximum length (?P<max>\d+)\.$", "Plus long que {max} caractères."),
    (r"^Shorter than minimum length (?P<min>\d+)\.$", "Plus court que {min} éléments."),
    (r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$",
     "Doit avoir entre {min} et {max} éléments."),
    (r"^Must be greater than or equal to (?P<min>-?\d+) and less than or equal to (?P<max>-?\d+)\.$",
     "Doit être compris entre {min} et {max}."),
    (r"^Must be greater than or equal to (?P<min>-?\d+)\.$", "Doit être supérieur ou égal à {min}."),
    (r"^Must be less than or equal to (?P<max>-?\d+)\.$", "Doit être inférieur ou égal à {max}."),
)]

_OURS_FR: list[tuple[re.Pattern, str]] = [
    # our templates, recognised once formatted (marshmallow fills {min} and {max} itself)
    (re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(en)) + "$"), fr)
    for en, fr in FRENCH.items() if en.startswith("must ")
]


def say(template: str, **params) -> str:
    """``template`` in the current language, filled with ``params``."""
    text = FRENCH.get(template, template) if current_language() == "fr" else template
    return text.format(**params) if params else text


def translate(message: str) -> str:
    """A message written by a library (or by us, already filled), in the current language."""
    if current_language() != "fr":
        return message
    if message in FRENCH:
        return FRENCH[message]
    for pattern, french in (*_LIBRARY_FR, *_OURS_FR):
        found = pattern.match(message)
        if found:
            return french.format(**found.groupdict())
    return message


def title(status: int, english: str) -> str:
    return TITLES_FR.get(status, english) if current_language() == "fr" else english
