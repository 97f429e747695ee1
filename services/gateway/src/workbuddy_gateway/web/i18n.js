// French and English: chosen from the browser at first, then switchable (and remembered).
// What the API says (notification texts, reasons, refusals) comes in the same language through
// Accept-Language; only the app's own words are here.

const WORDS = {
  en: {
    skip: "Skip to content",
    "nav.home": "Home", "nav.buddies": "Buddies", "nav.settings": "Settings",
    "language.other": "Français", "language.short": "FR",
    "welcome.title": "Work alone, never on your own",
    "welcome.pitch": "Work Buddy pairs you with peers who celebrate your wins and help you through the hard days.",
    "signup.title": "Join Work Buddy", "signup.name": "Your first name", "signup.email": "Email",
    "signup.password": "Password (at least 10 characters)", "signup.invitation": "Invitation code (if a friend gave you one)",
    "signup.submit": "Create my account", "signup.have": "Already a member?",
    "login.title": "Welcome back", "login.submit": "Sign in", "login.new": "New here?",
    "logout": "Sign out",
    "onboarding.title": "A few questions, to find your buddies",
    "onboarding.step": "Question {n} of {total}",
    "onboarding.next": "Next", "onboarding.back": "Back", "onboarding.finish": "Find my buddies",
    "q.support": "What support would help you most?",
    "support.celebrate_and_comfort": "Someone to celebrate wins and comfort me after setbacks",
    "support.urgent_advice": "Quick advice when something urgent comes up",
    "support.client_talk": "Talking through client situations",
    "support.joint_projects": "Working on projects together",
    "support.stimulation": "Being stretched and motivated",
    "q.commitment": "How much time would you give it?",
    "commitment.momentary": "Now and then, when needed", "commitment.regular": "Regular check-ins",
    "commitment.projects": "Around shared projects",
    "q.sector": "Your trade", "q.sector_preference": "Your buddies' trade",
    "sector.none": "Choose your trade",
    "sector_preference.same": "The same as mine", "sector_preference.adjacent": "A neighbouring one",
    "sector_preference.different": "A different one", "sector_preference.any": "It doesn't matter",
    "q.fit": "Would you rather meet…", "fit.affinity": "Someone like me (affinity)",
    "fit.complementarity": "Someone who complements me", "fit.any": "Either",
    "q.bond": "And what kind of bond?", "bond.admiration": "Someone I admire, who stretches me",
    "bond.conviviality": "Someone I simply enjoy working beside", "bond.any": "Either",
    "q.capacity": "How many buddies?", "capacity.hint": "From 1 to 5; you can change it later.",
    "q.offers_support": "I'm happy to be a temporary support buddy for someone going through a setback",
    "q.where": "Where and when do you work?", "where.city": "City (optional)",
    "where.time_zone": "Time zone", "where.languages": "Languages you speak",
    "home.title": "Hi {name}", "home.log": "Share a moment",
    "moment.other": "Another moment…", "moment.note": "A few words (optional)",
    "moment.kind": "What happened?", "moment.send": "Tell my buddies", "moment.sent": "Your buddies are told.",
    "feed.title": "Your buddies' news", "feed.empty": "Nothing yet: your buddies' moments will show here as they happen.",
    "feed.live": "Live", "feed.offline": "Reconnecting…",
    "react.cheer": "Cheer 🎉", "react.support": "Send support 💙", "react.message": "A word for them (optional)",
    "react.sent": "Sent.",
    "notifications.title": "Notifications", "notifications.empty": "No notifications yet.",
    "buddies.title": "Your buddies", "buddies.none": "No buddy yet. Matching is looking for you.",
    "proposals.title": "Proposed to you", "proposals.none": "No proposal waiting for you.",
    "proposals.why": "Why you two:", "proposals.accept": "Accept", "proposals.decline": "Not now",
    "proposals.accepted": "Accepted. It starts when they accept too.", "proposals.waiting": "Waiting for {name} to answer.",
    "buddy.since": "Buddies since {date}", "buddy.end": "End this buddyship",
    "buddy.end.confirm": "End your buddyship with {name}? Matching will propose someone new.",
    "buddy.ended": "The buddyship has ended.",
    "invite.title": "Invite someone you know", "invite.make": "Make an invitation link",
    "invite.share": "Share this link (valid until {date}):",
    "settings.title": "Settings", "settings.channels": "How you are told",
    "settings.kind": "About", "settings.email": "Email", "settings.push": "Push",
    "kind.win": "A buddy's win", "kind.setback": "A buddy's setback", "kind.ask": "A call for advice",
    "kind.reaction": "Reactions to my moments", "kind.buddyship": "Buddyships",
    "kind.message": "My buddies' messages, when unread",
    "settings.setbacks_break": "A buddy's setback may reach me during quiet hours",
    "settings.timing": "When you are told", "settings.quiet": "Quiet hours",
    "settings.quiet.from": "From", "settings.quiet.to": "To", "settings.quiet.off": "No quiet hours",
    "settings.delivery": "Mails and pushes", "delivery.instant": "As things happen",
    "delivery.digest": "Gathered in one daily digest",
    "settings.focus": "Focus mode", "settings.focus.until": "Do not disturb until",
    "settings.focus.hint": "Until then, news waits for a digest; the app still shows everything.",
    "settings.focus.on": "Focus until {date}", "settings.focus.end": "End focus now",
    "settings.save": "Save", "settings.saved": "Saved.",
    "push.title": "Notifications in this browser", "push.on": "Turn on push notifications",
    "push.off": "Turn off push notifications", "push.enabled": "Push is on in this browser.",
    "push.unavailable": "This server does not send push notifications.",
    "push.unsupported": "This browser cannot receive push notifications.",
    "push.denied": "Notifications are blocked for this site in your browser's settings.",
    "error.generic": "Something went wrong; please try again.",
    "data.title": "My data", "data.export": "Download all my data (JSON)",
    "data.leave.what": "Leaving erases your account, your moments, your messages and everything Work Buddy holds about you, in every service. Your buddies keep their own history, without your name.",
    "data.leave.password": "Your password, to confirm", "data.leave": "Leave Work Buddy",
    "data.leave.confirm": "Leave Work Buddy and erase all your data? This cannot be undone.",
    "data.left": "Your account and your data are erased. Take care!",
    "nav.talk": "Conversations",
    "talk.none": "No conversation yet: each buddyship has one, from its first day.",
    "talk.unread": "{count} unread", "talk.former": "A former member",
    "talk.say_hello": "Nothing written yet. Say hello!", "talk.closed": "This buddyship has ended: you can read, not write.",
    "talk.with": "With {name}", "talk.back": "All conversations", "talk.earlier": "Earlier messages",
    "talk.write": "Your message", "talk.send": "Send", "talk.sent": "Sent.",
    "talk.call_me": "Call me?", "talk.call_me.hint": "Up to three times that suit you; your buddy sees them on their own clock.",
    "talk.time": "Time {n}", "talk.answering": "An answer to their moment.", "talk.about_moment": "About a moment",
    "talk.reply": "Reply", "buddy.write": "Write to {name}",
  },
  fr: {
    skip: "Aller au contenu",
    "nav.home": "Accueil", "nav.buddies": "Buddies", "nav.settings": "Réglages",
    "language.other": "English", "language.short": "EN",
    "welcome.title": "Travailler seul, sans être seul",
    "welcome.pitch": "Work Buddy vous met en lien avec des pairs qui fêtent vos victoires et vous soutiennent dans les jours difficiles.",
    "signup.title": "Rejoindre Work Buddy", "signup.name": "Votre prénom", "signup.email": "E-mail",
    "signup.password": "Mot de passe (10 caractères au moins)", "signup.invitation": "Code d'invitation (si on vous en a donné un)",
    "signup.submit": "Créer mon compte", "signup.have": "Déjà membre ?",
    "login.title": "Bon retour", "login.submit": "Se connecter", "login.new": "Nouveau ici ?",
    "logout": "Se déconnecter",
    "onboarding.title": "Quelques questions pour trouver vos buddies",
    "onboarding.step": "Question {n} sur {total}",
    "onboarding.next": "Suivant", "onboarding.back": "Retour", "onboarding.finish": "Trouver mes buddies",
    "q.support": "Quel soutien vous aiderait le plus ?",
    "support.celebrate_and_comfort": "Quelqu'un pour fêter les victoires et réconforter après les coups durs",
    "support.urgent_advice": "Un conseil rapide quand une urgence arrive",
    "support.client_talk": "Parler de situations avec des clients",
    "support.joint_projects": "Monter des projets ensemble",
    "support.stimulation": "Être stimulé et motivé",
    "q.commitment": "Combien de temps voulez-vous y consacrer ?",
    "commitment.momentary": "De temps en temps, au besoin", "commitment.regular": "Des rendez-vous réguliers",
    "commitment.projects": "Autour de projets communs",
    "q.sector": "Votre métier", "q.sector_preference": "Le métier de vos buddies",
    "sector.none": "Choisissez votre métier",
    "sector_preference.same": "Le même que le mien", "sector_preference.adjacent": "Un métier voisin",
    "sector_preference.different": "Un autre métier", "sector_preference.any": "Peu importe",
    "q.fit": "Vous préférez rencontrer…", "fit.affinity": "Quelqu'un qui me ressemble (affinité)",
    "fit.complementarity": "Quelqu'un de complémentaire", "fit.any": "L'un ou l'autre",
    "q.bond": "Et quel lien ?", "bond.admiration": "Quelqu'un que j'admire, qui me tire vers le haut",
    "bond.conviviality": "Quelqu'un avec qui il fait bon travailler", "bond.any": "L'un ou l'autre",
    "q.capacity": "Combien de buddies ?", "capacity.hint": "De 1 à 5 ; vous pourrez changer d'avis.",
    "q.offers_support": "Je veux bien être buddy de soutien, pour un temps, pour quelqu'un qui traverse un coup dur",
    "q.where": "Où et quand travaillez-vous ?", "where.city": "Ville (facultatif)",
    "where.time_zone": "Fuseau horaire", "where.languages": "Langues parlées",
    "home.title": "Bonjour {name}", "home.log": "Partager un moment",
    "moment.other": "Un autre moment…", "moment.note": "Quelques mots (facultatif)",
    "moment.kind": "Que s'est-il passé ?", "moment.send": "Prévenir mes buddies", "moment.sent": "Vos buddies sont prévenus.",
    "feed.title": "Les nouvelles de vos buddies", "feed.empty": "Rien pour l'instant : les moments de vos buddies s'afficheront ici dès qu'ils arrivent.",
    "feed.live": "En direct", "feed.offline": "Reconnexion…",
    "react.cheer": "Bravo 🎉", "react.support": "Envoyer du soutien 💙", "react.message": "Un mot pour eux (facultatif)",
    "react.sent": "Envoyé.",
    "data.title": "Mes données", "data.export": "Télécharger toutes mes données (JSON)",
    "data.leave.what": "Partir efface votre compte, vos moments, vos messages et tout ce que Work Buddy sait de vous, dans chaque service. Vos buddies gardent leur propre historique, sans votre nom.",
    "data.leave.password": "Votre mot de passe, pour confirmer", "data.leave": "Quitter Work Buddy",
    "data.leave.confirm": "Quitter Work Buddy et effacer toutes vos données ? C'est définitif.",
    "data.left": "Votre compte et vos données sont effacés. Prenez soin de vous !",
    "nav.talk": "Conversations",
    "talk.none": "Pas encore de conversation : chaque binôme a la sienne, dès son premier jour.",
    "talk.unread": "{count} non lus", "talk.former": "Un ancien membre",
    "talk.say_hello": "Rien d'écrit pour l'instant. Dites bonjour !", "talk.closed": "Ce binôme a pris fin : vous pouvez lire, plus écrire.",
    "talk.with": "Avec {name}", "talk.back": "Toutes les conversations", "talk.earlier": "Messages précédents",
    "talk.write": "Votre message", "talk.send": "Envoyer", "talk.sent": "Envoyé.",
    "talk.call_me": "On s'appelle ?", "talk.call_me.hint": "Jusqu'à trois horaires qui vous conviennent ; votre buddy les voit à sa propre heure.",
    "talk.time": "Horaire {n}", "talk.answering": "Une réponse à son moment.", "talk.about_moment": "À propos d'un moment",
    "talk.reply": "Répondre", "buddy.write": "Écrire à {name}",
    "notifications.title": "Notifications", "notifications.empty": "Aucune notification pour l'instant.",
    "buddies.title": "Vos buddies", "buddies.none": "Pas encore de buddy. La mise en relation vous cherche quelqu'un.",
    "proposals.title": "Propositions pour vous", "proposals.none": "Aucune proposition en attente.",
    "proposals.why": "Pourquoi vous deux :", "proposals.accept": "Accepter", "proposals.decline": "Pas maintenant",
    "proposals.accepted": "Accepté. Tout commence quand l'autre accepte aussi.", "proposals.waiting": "En attente de la réponse de {name}.",
    "buddy.since": "Buddies depuis le {date}", "buddy.end": "Mettre fin à ce lien",
    "buddy.end.confirm": "Mettre fin à votre lien avec {name} ? La mise en relation vous proposera quelqu'un d'autre.",
    "buddy.ended": "Le lien a pris fin.",
    "invite.title": "Inviter quelqu'un que vous connaissez", "invite.make": "Créer un lien d'invitation",
    "invite.share": "Partagez ce lien (valable jusqu'au {date}) :",
    "settings.title": "Réglages", "settings.channels": "Comment être prévenu",
    "settings.kind": "À propos de", "settings.email": "E-mail", "settings.push": "Push",
    "kind.win": "Une victoire d'un buddy", "kind.setback": "Un coup dur d'un buddy", "kind.ask": "Un appel à conseil",
    "kind.reaction": "Les réactions à mes moments", "kind.buddyship": "Les liens entre buddies",
    "kind.message": "Les messages de mes buddies, s'ils restent non lus",
    "settings.setbacks_break": "Le coup dur d'un buddy peut me joindre pendant mes heures calmes",
    "settings.timing": "Quand être prévenu", "settings.quiet": "Heures calmes",
    "settings.quiet.from": "De", "settings.quiet.to": "À", "settings.quiet.off": "Pas d'heures calmes",
    "settings.delivery": "E-mails et notifications push", "delivery.instant": "Au fil de l'eau",
    "delivery.digest": "Regroupés dans un récapitulatif quotidien",
    "settings.focus": "Mode concentration", "settings.focus.until": "Ne pas me déranger jusqu'au",
    "settings.focus.hint": "D'ici là, les nouvelles attendent un récapitulatif ; l'application montre tout.",
    "settings.focus.on": "Concentration jusqu'au {date}", "settings.focus.end": "Arrêter la concentration",
    "settings.save": "Enregistrer", "settings.saved": "Enregistré.",
    "push.title": "Notifications dans ce navigateur", "push.on": "Activer les notifications push",
    "push.off": "Désactiver les notifications push", "push.enabled": "Les notifications push sont activées dans ce navigateur.",
    "push.unavailable": "Ce serveur n'envoie pas de notifications push.",
    "push.unsupported": "Ce navigateur ne peut pas recevoir de notifications push.",
    "push.denied": "Les notifications sont bloquées pour ce site dans les réglages du navigateur.",
    "error.generic": "Un souci est survenu ; merci de réessayer.",
  },
};

const MOMENTS = {
  en: {
    client_won: "I won a client 🍾", first_client: "My first client 🎉", tender_won: "I won a tender 🏆",
    project_delivered: "Project delivered ✅", milestone: "A milestone reached ⭐",
    client_lost: "I lost a client", tender_lost: "I lost a tender", payment_late: "A payment is late",
    rough_day: "A rough day", urgent_advice: "I need advice now", client_question: "A question about a client",
    project_idea: "A project idea 💡",
  },
  fr: {
    client_won: "J'ai signé un client 🍾", first_client: "Mon premier client 🎉", tender_won: "J'ai remporté un appel d'offres 🏆",
    project_delivered: "Projet livré ✅", milestone: "Une étape franchie ⭐",
    client_lost: "J'ai perdu un client", tender_lost: "J'ai perdu un appel d'offres", payment_late: "Un paiement en retard",
    rough_day: "Une journée difficile", urgent_advice: "J'ai besoin d'un conseil, vite", client_question: "Une question sur un client",
    project_idea: "Une idée de projet 💡",
  },
};

// The tone of each moment, as in the mails: wins are celebrated, setbacks supported.
export const TONE = {
  client_won: "celebration", first_client: "celebration", tender_won: "celebration",
  project_delivered: "celebration", milestone: "celebration",
  client_lost: "support", tender_lost: "support", payment_late: "support", rough_day: "support",
  urgent_advice: "advice", client_question: "advice", project_idea: "news",
};
export const MOMENT_KINDS = Object.keys(TONE);

const KEY = "workbuddy.language";
export const LANGUAGES = ["fr", "en"];

export function language() {
  const chosen = localStorage.getItem(KEY);
  if (LANGUAGES.includes(chosen)) return chosen;
  for (const wanted of navigator.languages || [navigator.language]) {
    const short = String(wanted).slice(0, 2).toLowerCase();
    if (LANGUAGES.includes(short)) return short;
  }
  return "en";
}

export function choose(lang) {
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
}

export function t(key, values = {}) {
  const text = WORDS[language()][key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

export function momentLabel(kind) {
  return MOMENTS[language()][kind] ?? kind;
}

export function formatDate(iso, withTime = true) {
  const options = withTime ? { dateStyle: "long", timeStyle: "short" } : { dateStyle: "long" };
  return new Intl.DateTimeFormat(language(), options).format(new Date(iso));
}

// The words written in the static page (data-t) follow the chosen language too.
export function translateStatic() {
  document.documentElement.lang = language();
  for (const element of document.querySelectorAll("[data-t]")) element.textContent = t(element.dataset.t);
}
