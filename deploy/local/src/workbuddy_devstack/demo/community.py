"""The members of the demo community: forty freelancers, French-speaking first, English second.

Each persona is what a member would have answered at onboarding (the PATCH /v1/me body, plus a
short bio), how often they log moments (``rhythm``), and two roles the demo needs: hosts keep
room for newcomers (a buddy capacity of 4 or 5, reachable in European daytime, never paused),
and exactly one host is quiet: they never react nor answer, so a newcomer paired with them sees
the "quiet buddy" path. Every city is one the gazetteer (GET /v1/cities) resolves to the country
of its time zone; every answer of every enum is given by at least one member. Nobody here is a
real person.
"""

from dataclasses import dataclass, field

DEMO_DOMAIN = "demo.workbuddy.test"


@dataclass(frozen=True)
class Persona:
    key: str  # stable slug, ascii lowercase and hyphens
    display_name: str
    language: str  # "fr" or "en": what they write and read
    host: bool  # keeps room for newcomers
    quiet: bool  # never reacts nor answers
    profile: dict = field(hash=False)  # the PATCH /v1/me body, plus "bio"
    rhythm: float = 1.0  # relative activity: 0.5 rarely logs, 2.0 often

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"

    @property
    def first_name(self) -> str:
        return self.display_name.split()[0]


def _member(key: str, display_name: str, language: str, *, languages: list[str], sector: str,
            skills: list[str], city: str, time_zone: str, support: list[str], commitment: str,
            sector_preference: str, fit: str, bond: str, traits: tuple[int, int, int, int, int],
            meet_within_km: int | None, offers_support: bool, open_to_projects: bool,
            buddy_capacity: int, quiet_hours: tuple[str, str] | None, delivery: str, bio: str,
            rhythm: float, host: bool = False, quiet: bool = False) -> Persona:
    """A persona whose profile answers every onboarding question. ``traits`` reads organised,
    outgoing, creative, analytical, steady; ``meet_within_km`` None: not meeting in person."""
    organised, outgoing, creative, analytical, steady = traits
    profile = {
        "sector": sector,
        "sector_preference": sector_preference,
        "skills": skills,
        "support": support,
        "commitment": commitment,
        "bond": bond,
        "fit": fit,
        "traits": {"organised": organised, "outgoing": outgoing, "creative": creative,
                   "analytical": analytical, "steady": steady},
        "languages": languages,
        "city": city,
        "time_zone": time_zone,
        "meet_in_person": meet_within_km is not None,
        "offers_support": offers_support,
        "open_to_projects": open_to_projects,
        "buddy_capacity": buddy_capacity,
        "availability": {
            "quiet_hours": {"start": quiet_hours[0], "end": quiet_hours[1]} if quiet_hours else None,
            "delivery": delivery,
        },
        "bio": bio,
    }
    if meet_within_km is not None:
        profile["meet_within_km"] = meet_within_km
    return Persona(key=key, display_name=display_name, language=language, host=host, quiet=quiet,
                   profile=profile, rhythm=rhythm)


PARIS, BRUSSELS, ZURICH = "Europe/Paris", "Europe/Brussels", "Europe/Zurich"
QUEBEC = "America/Toronto"  # IANA's zone for most of Québec (America/Montreal is its old alias)
LONDON, DUBLIN, BERLIN = "Europe/London", "Europe/Dublin", "Europe/Berlin"
MADRID, LISBON, DAKAR = "Europe/Madrid", "Europe/Lisbon", "Africa/Dakar"

COMMUNITY: tuple[Persona, ...] = (
    # --- French-speaking -------------------------------------------------------------------
    _member(
        "lea-martin", "Léa Martin", "fr", host=True, languages=["fr", "en"],
        sector="ux_design", skills=["Figma", "Tests utilisateurs", "Design system",
                                    "Atelier de co-conception"],
        city="Nantes", time_zone=PARIS,
        support=["celebrate_and_comfort", "client_talk", "stimulation"], commitment="regular",
        sector_preference="adjacent", fit="complementarity", bond="conviviality",
        traits=(4, 4, 4, 3, 3), meet_within_km=60, offers_support=True, open_to_projects=True,
        buddy_capacity=5, quiet_hours=("22:00", "07:30"), delivery="instant", rhythm=1.5,
        bio="Designer UX à Nantes depuis six ans. Je redessine des parcours pour des mutuelles, "
            "des boulangeries, des mairies. J'adore fêter les victoires des autres et je garde "
            "toujours un créneau pour un café (même en visio) quand ça va moins bien."),
    _member(
        "karim-benali", "Karim Benali", "fr", host=True, languages=["fr", "ar"],
        sector="backend_development", skills=["Python", "Django", "PostgreSQL", "API REST", "Docker"],
        city="Lyon", time_zone=PARIS,
        support=["urgent_advice", "client_talk", "joint_projects"], commitment="projects",
        sector_preference="same", fit="affinity", bond="admiration",
        traits=(3, 3, 3, 5, 4), meet_within_km=40, offers_support=True, open_to_projects=True,
        buddy_capacity=4, quiet_hours=None, delivery="instant", rhythm=1.2,
        bio="Développeur backend freelance à Lyon, surtout Python et PostgreSQL. J'aime les bases "
            "de données bien rangées et les gens qui posent des questions franches. Si ton serveur "
            "tombe un vendredi soir, écris-moi, on regarde ensemble."),
    _member(
        "sophie-lefebvre", "Sophie Lefebvre", "fr", languages=["fr"],
        sector="copywriting", skills=["Rédaction web", "Storytelling", "Fiches produits", "Newsletters"],
        city="Bordeaux", time_zone=PARIS,
        support=["celebrate_and_comfort", "stimulation"], commitment="regular",
        sector_preference="different", fit="complementarity", bond="conviviality",
        traits=(2, 4, 5, 2, 3), meet_within_km=30, offers_support=False, open_to_projects=True,
        buddy_capacity=2, quiet_hours=("19:00", "08:30"), delivery="digest", rhythm=1.0,
        bio="Rédactrice à Bordeaux : j'écris les mots des vignerons, des artisans et de quelques "
            "start-up qui osent l'humour. Je cherche quelqu'un avec qui trinquer aux devis signés "
            "et se motiver les lundis gris."),
    _member(
        "thomas-nguyen", "Thomas Nguyen", "fr", languages=["fr", "en", "vi"],
        sector="data_science", skills=["Python", "Machine learning", "SQL", "Prévision de ventes"],
        city="Toulouse", time_zone=PARIS,
        support=["urgent_advice", "joint_projects"], commitment="projects",
        sector_preference="adjacent", fit="affinity", bond="admiration",
        traits=(4, 2, 3, 5, 4), meet_within_km=None, offers_support=False, open_to_projects=True,
        buddy_capacity=2, quiet_hours=None, delivery="instant", rhythm=0.8,
        bio="Data scientist indépendant à Toulouse. Je fais parler les chiffres de PME qui n'ont "
            "pas d'équipe data : prévisions de ventes, tableaux de bord, un peu de machine "
            "learning quand c'est utile. Partant pour monter des projets à deux."),
    _member(
        "amina-diallo", "Amina Diallo", "fr", languages=["fr", "en", "wo"],
        sector="coaching", skills=["Coaching de dirigeants", "Prise de parole", "Gestion du stress"],
        city="Dakar", time_zone=DAKAR,
        support=["celebrate_and_comfort", "stimulation", "client_talk"], commitment="regular",
        sector_preference="different", fit="complementarity", bond="admiration",
        traits=(4, 5, 3, 3, 4), meet_within_km=None, offers_support=True, open_to_projects=False,
        buddy_capacity=3, quiet_hours=("21:30", "07:00"), delivery="instant", rhythm=1.4,
        bio="Coach de dirigeants entre Dakar et Paris, en visio la plupart du temps. J'accompagne "
            "celles et ceux qui prennent la parole pour la première fois. Je sais écouter un coup "
            "dur sans juger, et je crie très fort quand vous gagnez."),
    _member(
        "julien-moreau", "Julien Moreau", "fr", languages=["fr"],
        sector="photography", skills=["Photo culinaire", "Portrait", "Lightroom", "Éclairage studio"],
        city="Marseille", time_zone=PARIS,
        support=["celebrate_and_comfort", "joint_projects"], commitment="momentary",
        sector_preference="adjacent", fit="affinity", bond="conviviality",
        traits=(2, 4, 5, 2, 2), meet_within_km=25, offers_support=False, open_to_projects=True,
        buddy_capacity=2, quiet_hours=None, delivery="digest", rhythm=1.0,
        bio="Photographe à Marseille : des assiettes, des chefs, des mains qui travaillent. Je "
            "passe mes journées seul en studio ou en cuisine, alors un buddy pour partager les "
            "belles commandes et râler un peu sur les retards de paiement, ce serait top."),
    _member(
        "camille-dubois", "Camille Dubois", "fr", languages=["fr", "en"],
        sector="graphic_design", skills=["Identité visuelle", "Mise en page", "Illustrator", "InDesign"],
        city="Lille", time_zone=PARIS,
        support=["celebrate_and_comfort", "client_talk"], commitment="regular",
        sector_preference="same", fit="affinity", bond="conviviality",
        traits=(3, 3, 5, 2, 3), meet_within_km=20, offers_support=False, open_to_projects=True,
        buddy_capacity=3, quiet_hours=("20:00", "08:00"), delivery="instant", rhythm=1.3,
        bio="Graphiste à Lille, je dessine des identités pour des assos, des brasseries et des "
            "festivals. J'aimerais un ou une buddy du métier pour se montrer nos maquettes, "
            "parler tarifs sans tabou et aller boire un verre quand un logo est validé."),
    _member(
        "nicolas-petit", "Nicolas Petit", "fr", host=True, quiet=True, languages=["fr"],
        sector="accounting", skills=["Comptabilité", "Bilans", "TVA", "Micro-entreprise"],
        city="Rennes", time_zone=PARIS,
        support=["client_talk", "urgent_advice"], commitment="momentary",
        sector_preference="different", fit="complementarity", bond="any",
        traits=(5, 2, 2, 5, 5), meet_within_km=None, offers_support=False, open_to_projects=False,
        buddy_capacity=4, quiet_hours=None, delivery="instant", rhythm=0.5,
        bio="Comptable indépendant à Rennes, je tiens les comptes de freelances et de petits "
            "commerces. Pas très bavard, mais toujours là pour expliquer une déclaration de TVA "
            "sans jargon."),
    _member(
        "ines-haddad", "Inès Haddad", "fr", languages=["fr", "en", "ar"],
        sector="legal", skills=["Droit des contrats", "CGV", "Propriété intellectuelle", "RGPD"],
        city="Paris", time_zone=PARIS,
        support=["urgent_advice", "client_talk"], commitment="regular",
        sector_preference="different", fit="complementarity", bond="admiration",
        traits=(5, 3, 2, 5, 4), meet_within_km=15, offers_support=True, open_to_projects=False,
        buddy_capacity=2, quiet_hours=("20:30", "08:00"), delivery="instant", rhythm=0.9,
        bio="Juriste indépendante à Paris : contrats, CGV, droits d'auteur pour les créatifs. "
            "J'aime rendre le droit lisible. En échange, j'ai besoin de quelqu'un qui me pousse à "
            "sortir de ma zone de confort et à parler de mon travail."),
    _member(
        "mathieu-girard", "Mathieu Girard", "fr", languages=["fr"],
        sector="artisan_crafts", skills=["Ébénisterie", "Restauration de meubles", "Marqueterie"],
        city="Annecy", time_zone=PARIS,
        support=["celebrate_and_comfort", "stimulation"], commitment="momentary",
        sector_preference="different", fit="affinity", bond="conviviality",
        traits=(3, 3, 4, 2, 5), meet_within_km=50, offers_support=False, open_to_projects=False,
        buddy_capacity=1, quiet_hours=("19:30", "07:00"), delivery="digest", rhythm=0.6,
        bio="Ébéniste à Annecy, seul dans mon atelier avec la radio. Je restaure des meubles de "
            "famille et j'en fabrique sur mesure. Je cherche une personne du coin pour un café de "
            "temps en temps, et pour se dire bravo."),
    _member(
        "chloe-roux", "Chloé Roux", "fr", languages=["fr", "en"],
        sector="social_media", skills=["Instagram", "TikTok", "Calendrier éditorial", "Community management"],
        city="Montpellier", time_zone=PARIS,
        support=["celebrate_and_comfort", "stimulation", "joint_projects"], commitment="regular",
        sector_preference="adjacent", fit="affinity", bond="conviviality",
        traits=(3, 5, 4, 2, 2), meet_within_km=30, offers_support=False, open_to_projects=True,
        buddy_capacity=3, quiet_hours=None, delivery="instant", rhythm=1.9,
        bio="Community manager à Montpellier, je fais vivre les réseaux de restos, de salles de "
            "sport et d'une librairie que j'adore. Je suis du genre à envoyer trois gifs pour "
            "fêter ta victoire. On se motive ?"),
    _member(
        "antoine-lambert", "Antoine Lambert", "fr", languages=["fr", "en"],
        sector="devops_cloud", skills=["Kubernetes", "Terraform", "AWS", "CI/CD", "Observabilité"],
        city="Grenoble", time_zone=PARIS,
        support=["urgent_advice"], commitment="momentary",
        sector_preference="same", fit="any", bond="admiration",
        traits=(4, 2, 2, 5, 5), meet_within_km=None, offers_support=True, open_to_projects=False,
        buddy_capacity=1, quiet_hours=("23:00", "07:00"), delivery="instant", rhythm=0.7,
        bio="Ingénieur DevOps indépendant à Grenoble. Je migre des infrastructures vers le cloud "
            "sans que personne ne le remarque, c'est le but. Un message court quand ça brûle, un "
            "avis honnête en retour : c'est ce que je propose."),
    _member(
        "elodie-fontaine", "Élodie Fontaine", "fr", languages=["fr", "en", "de"],
        sector="translation", skills=["Traduction EN>FR", "Traduction DE>FR", "Localisation", "Trados"],
        city="Strasbourg", time_zone=PARIS,
        support=["client_talk", "stimulation"], commitment="regular",
        sector_preference="different", fit="complementarity", bond="conviviality",
        traits=(5, 2, 3, 4, 4), meet_within_km=80, offers_support=False, open_to_projects=True,
        buddy_capacity=2, quiet_hours=("18:30", "08:30"), delivery="digest", rhythm=0.9,
        bio="Traductrice anglais et allemand vers le français, à Strasbourg. Je localise des "
            "jeux, des sites d'e-commerce et des guides de randonnée. J'aimerais un buddy d'un "
            "autre univers, pour parler clients et garder le rythme."),
    _member(
        "yannick-le-goff", "Yannick Le Goff", "fr", languages=["fr", "br"],
        sector="video_production", skills=["Réalisation", "Montage", "DaVinci Resolve", "Drone"],
        city="Vannes", time_zone=PARIS,
        support=["joint_projects", "celebrate_and_comfort"], commitment="projects",
        sector_preference="adjacent", fit="complementarity", bond="any",
        traits=(2, 4, 5, 3, 3), meet_within_km=100, offers_support=False, open_to_projects=True,
        buddy_capacity=3, quiet_hours=None, delivery="instant", rhythm=1.1,
        bio="Vidéaste dans le Morbihan : films d'entreprise, mariages au bord de l'eau, et des "
            "portraits d'artisans bretons. J'ai toujours un projet de docu en tête et je cherche "
            "des complices pour les monter."),
    _member(
        "fatou-sow", "Fatou Sow", "fr", host=True, languages=["fr", "en", "wo"],
        sector="hr_consulting", skills=["Recrutement", "Onboarding", "Marque employeur",
                                        "Entretiens annuels"],
        city="Bruxelles", time_zone=BRUSSELS,
        support=["celebrate_and_comfort", "client_talk", "stimulation"], commitment="regular",
        sector_preference="any", fit="complementarity", bond="conviviality",
        traits=(4, 5, 3, 3, 4), meet_within_km=40, offers_support=True, open_to_projects=True,
        buddy_capacity=5, quiet_hours=("22:30", "07:00"), delivery="instant", rhythm=1.6,
        bio="Consultante RH à Bruxelles, j'aide les petites équipes à bien recruter et à bien "
            "accueillir. Je sais ce que c'est de perdre un client qu'on aimait. Ma porte est "
            "ouverte pour en parler, ou pour sabrer le champagne !"),
    _member(
        "pierre-dumont", "Pierre Dumont", "fr", languages=["fr", "nl"],
        sector="architecture", skills=["Rénovation énergétique", "Revit", "Permis d'urbanisme", "Esquisse"],
        city="Liège", time_zone=BRUSSELS,
        support=["joint_projects", "client_talk"], commitment="projects",
        sector_preference="adjacent", fit="affinity", bond="admiration",
        traits=(4, 2, 4, 4, 4), meet_within_km=60, offers_support=False, open_to_projects=True,
        buddy_capacity=2, quiet_hours=None, delivery="digest", rhythm=0.8,
        bio="Architecte indépendant à Liège, je rénove des maisons ouvrières pour qu'elles "
            "consomment moins. J'aime travailler avec des gens d'un métier voisin : décoration, "
            "artisanat, photo. Un bon projet commun me rend très heureux."),
    _member(
        "charlotte-peeters", "Charlotte Peeters", "fr", languages=["fr", "nl", "en"],
        sector="seo", skills=["SEO technique", "Audit de site", "Google Search Console", "Rédaction SEO"],
        city="Namur", time_zone=BRUSSELS,
        support=["stimulation", "urgent_advice"], commitment="regular",
        sector_preference="same", fit="any", bond="any",
        traits=(4, 3, 3, 5, 3), meet_within_km=None, offers_support=False, open_to_projects=False,
        buddy_capacity=3, quiet_hours=("21:00", "08:00"), delivery="instant", rhythm=1.2,
        bio="Consultante SEO à Namur. Je fais remonter des sites de PME dans Google, une balise à "
            "la fois. J'ai besoin de quelqu'un qui me challenge chaque semaine, sinon je passe "
            "mes journées dans les tableurs."),
    _member(
        "lucas-meyer", "Lucas Meyer", "fr", host=True, languages=["fr", "en", "de"],
        sector="finance_consulting", skills=["Modèle financier", "Levée de fonds", "Trésorerie", "Excel"],
        city="Genève", time_zone=ZURICH,
        support=["client_talk", "stimulation", "joint_projects"], commitment="projects",
        sector_preference="different", fit="complementarity", bond="admiration",
        traits=(5, 3, 2, 5, 4), meet_within_km=120, offers_support=False, open_to_projects=True,
        buddy_capacity=4, quiet_hours=("23:00", "07:00"), delivery="instant", rhythm=1.0,
        bio="Directeur financier à temps partagé à Genève : j'aide des start-up à tenir leur "
            "trésorerie et à préparer leur levée. Je cherche des buddies créatifs qui me sortent "
            "des chiffres, et à qui je peux rendre la pareille."),
    _member(
        "noemie-favre", "Noémie Favre", "fr", languages=["fr"],
        sector="illustration", skills=["Illustration jeunesse", "Aquarelle", "Procreate"],
        city="Lausanne", time_zone=ZURICH,
        support=["celebrate_and_comfort"], commitment="momentary",
        sector_preference="same", fit="affinity", bond="conviviality",
        traits=(2, 2, 5, 2, 3), meet_within_km=40, offers_support=False, open_to_projects=True,
        buddy_capacity=1, quiet_hours=None, delivery="digest", rhythm=0.7,
        bio="Illustratrice à Lausanne, je dessine des albums pour enfants et des affiches de "
            "festivals. Je suis plutôt discrète, mais un petit mot quand un éditeur dit oui, ça "
            "change tout."),
    _member(
        "gabriel-tremblay", "Gabriel Tremblay", "fr", host=True, languages=["fr", "en"],
        sector="game_development", skills=["Unity", "C#", "Game design", "Prototypage"],
        city="Montréal", time_zone=QUEBEC,
        support=["joint_projects", "stimulation", "celebrate_and_comfort"], commitment="projects",
        sector_preference="same", fit="affinity", bond="admiration",
        traits=(3, 4, 5, 4, 3), meet_within_km=None, offers_support=False, open_to_projects=True,
        buddy_capacity=4, quiet_hours=None, delivery="instant", rhythm=1.3,
        bio="Développeur de jeux indé à Montréal, je fais des jeux narratifs et des prototypes "
            "pour des studios. Le décalage horaire avec l'Europe ne me fait pas peur : mes matins "
            "sont vos après-midis, parfait pour se lancer des défis."),
    _member(
        "marie-eve-gagnon", "Marie-Ève Gagnon", "fr", languages=["fr", "en"],
        sector="content_strategy", skills=["Stratégie de contenu", "Ligne éditoriale", "Blogue", "Analytics"],
        city="Québec", time_zone=QUEBEC,
        support=["client_talk", "celebrate_and_comfort"], commitment="regular",
        sector_preference="adjacent", fit="any", bond="conviviality",
        traits=(4, 3, 4, 3, 4), meet_within_km=50, offers_support=True, open_to_projects=False,
        buddy_capacity=2, quiet_hours=("21:00", "07:00"), delivery="instant", rhythm=1.0,
        bio="Stratège de contenu à Québec. J'aide des OBNL et des PME à savoir quoi dire, à qui "
            "et quand. Je prends toujours le temps de jaser d'un client difficile, et je fête les "
            "bonnes nouvelles avec une tarte au sucre."),
    _member(
        "sarah-cohen", "Sarah Cohen", "fr", languages=["fr", "en", "he"],
        sector="psychology", skills=["Prévention du burn-out", "Ateliers en entreprise", "TCC"],
        city="Paris", time_zone=PARIS,
        support=["celebrate_and_comfort", "client_talk"], commitment="regular",
        sector_preference="different", fit="complementarity", bond="conviviality",
        traits=(4, 3, 3, 4, 5), meet_within_km=10, offers_support=True, open_to_projects=False,
        buddy_capacity=2, quiet_hours=("20:00", "08:30"), delivery="digest", rhythm=0.6,
        bio="Psychologue du travail à Paris, j'anime des ateliers de prévention du burn-out en "
            "entreprise. Travailler seule, je connais. J'aimerais un buddy d'un tout autre "
            "métier, pour parler d'autre chose que de soi, et se soutenir."),
    _member(
        "hugo-marchand", "Hugo Marchand", "fr", languages=["fr"],
        sector="sports_coaching", skills=["Préparation trail", "Renforcement musculaire",
                                          "Coaching en ligne"],
        city="Annecy", time_zone=PARIS,
        support=["stimulation", "celebrate_and_comfort"], commitment="regular",
        sector_preference="different", fit="affinity", bond="conviviality",
        traits=(3, 5, 3, 2, 4), meet_within_km=20, offers_support=False, open_to_projects=False,
        buddy_capacity=2, quiet_hours=("21:00", "06:00"), delivery="instant", rhythm=1.5,
        bio="Coach sportif à Annecy, je prépare des traileurs et des gens qui reprennent le sport "
            "après 40 ans. Mes journées commencent tôt au bord du lac. Je cherche quelqu'un du "
            "coin pour se motiver, et pourquoi pas courir ensemble."),
    _member(
        "manon-garnier", "Manon Garnier", "fr", languages=["fr", "en", "it"],
        sector="event_planning", skills=["Séminaires", "Mariages", "Gestion des prestataires", "Budget"],
        city="Nice", time_zone=PARIS,
        support=["celebrate_and_comfort", "joint_projects", "urgent_advice"], commitment="momentary",
        sector_preference="adjacent", fit="complementarity", bond="conviviality",
        traits=(5, 5, 4, 2, 3), meet_within_km=30, offers_support=False, open_to_projects=True,
        buddy_capacity=3, quiet_hours=None, delivery="instant", rhythm=1.8,
        bio="Organisatrice d'événements à Nice : séminaires, mariages, un festival de jazz l'été. "
            "Quand un traiteur me lâche la veille, j'ai besoin d'un avis vite. Et quand tout "
            "roule, j'ai besoin de le crier à quelqu'un !"),
    _member(
        "mehdi-amrani", "Mehdi Amrani", "fr", languages=["fr", "en", "ar"],
        sector="mobile_development", skills=["Flutter", "Kotlin", "Swift", "Firebase"],
        city="Rouen", time_zone=PARIS,
        support=["urgent_advice", "joint_projects"], commitment="projects",
        sector_preference="same", fit="affinity", bond="admiration",
        traits=(3, 3, 4, 4, 3), meet_within_km=None, offers_support=False, open_to_projects=True,
        buddy_capacity=2, quiet_hours=None, delivery="instant", rhythm=1.1,
        bio="Développeur mobile à Rouen, Flutter surtout. Je fais des applis pour des clubs de "
            "sport, des réseaux de pharmacies et une appli de covoiturage rural. J'ai envie de "
            "construire un produit à moi avec un ou une buddy."),
    _member(
        "linh-tran", "Linh Tran", "fr", languages=["fr", "vi"],
        sector="nutrition", skills=["Rééquilibrage alimentaire", "Nutrition du sportif", "Ateliers cuisine"],
        city="Lyon", time_zone=PARIS,
        support=["celebrate_and_comfort", "stimulation"], commitment="regular",
        sector_preference="different", fit="affinity", bond="conviviality",
        traits=(4, 4, 3, 3, 4), meet_within_km=15, offers_support=False, open_to_projects=False,
        buddy_capacity=2, quiet_hours=("21:00", "07:30"), delivery="instant", rhythm=1.0,
        bio="Diététicienne à Lyon, en cabinet et en visio. J'anime aussi des ateliers cuisine en "
            "entreprise. J'ai envie d'un buddy lyonnais pour un déjeuner par mois, et pour se "
            "dire bravo quand la semaine a été belle."),
    _member(
        "baptiste-renaud", "Baptiste Renaud", "fr", languages=["fr"],
        sector="music", skills=["Composition", "Sound design", "Mixage", "Ableton Live"],
        city="Clermont-Ferrand", time_zone=PARIS,
        support=["celebrate_and_comfort", "joint_projects"], commitment="projects",
        sector_preference="adjacent", fit="complementarity", bond="any",
        traits=(2, 3, 5, 3, 2), meet_within_km=70, offers_support=False, open_to_projects=True,
        buddy_capacity=2, quiet_hours=("01:00", "09:30"), delivery="digest", rhythm=0.9,
        bio="Compositeur à Clermont-Ferrand : musiques de pubs, de podcasts et de courts métrages. "
            "Je travaille tard et je me lève tard. Je cherche des vidéastes, des motion designers, "
            "des gens avec qui faire des choses ensemble."),
    _member(
        "raphael-costa", "Raphaël Costa", "fr", languages=["fr", "pt", "en"],
        sector="ecommerce", skills=["Shopify", "Fiches produits", "Logistique e-commerce", "Conversion"],
        city="Lisbonne", time_zone=LISBON,
        support=["client_talk", "stimulation"], commitment="regular",
        sector_preference="adjacent", fit="any", bond="admiration",
        traits=(4, 3, 3, 4, 3), meet_within_km=None, offers_support=False, open_to_projects=True,
        buddy_capacity=3, quiet_hours=None, delivery="digest", rhythm=1.2,
        bio="Consultant e-commerce installé à Lisbonne, j'aide des marques françaises à vendre en "
            "ligne : Shopify, logistique, taux de conversion. Loin de mes anciens collègues, il me "
            "manque quelqu'un pour débriefer mes clients."),
    _member(
        "clara-vidal", "Clara Vidal", "fr", languages=["fr", "es", "ca"],
        sector="interior_design", skills=["Aménagement intérieur", "SketchUp", "Home staging",
                                          "Sourcing mobilier"],
        city="Barcelone", time_zone=MADRID,
        support=["joint_projects", "celebrate_and_comfort"], commitment="projects",
        sector_preference="adjacent", fit="complementarity", bond="admiration",
        traits=(3, 4, 5, 2, 3), meet_within_km=30, offers_support=False, open_to_projects=True,
        buddy_capacity=2, quiet_hours=("23:00", "08:00"), delivery="instant", rhythm=1.0,
        bio="Architecte d'intérieur française à Barcelone. Je transforme des appartements anciens "
            "et des petits hôtels. J'adore les projets à plusieurs mains, avec un architecte, un "
            "photographe ou un artisan."),
    _member(
        "maxime-klein", "Maxime Klein", "fr", languages=["fr", "de", "en"],
        sector="motion_design", skills=["After Effects", "Animation 2D", "Cinema 4D", "Storyboard"],
        city="Berlin", time_zone=BERLIN,
        support=["stimulation", "joint_projects"], commitment="momentary",
        sector_preference="same", fit="affinity", bond="admiration",
        traits=(2, 3, 5, 3, 2), meet_within_km=None, offers_support=False, open_to_projects=True,
        buddy_capacity=2, quiet_hours=None, delivery="instant", rhythm=1.3,
        bio="Motion designer français à Berlin. J'anime des explainers pour des start-up et des "
            "génériques pour des podcasts. Je cherche un ou une buddy du métier qui m'impressionne "
            "et me pousse à tenter des styles nouveaux."),
    # --- English-speaking ------------------------------------------------------------------
    _member(
        "oliver-bennett", "Oliver Bennett", "en", host=True, languages=["en", "fr"],
        sector="product_management", skills=["Product discovery", "Roadmapping", "User interviews", "OKRs"],
        city="London", time_zone=LONDON,
        support=["stimulation", "client_talk", "joint_projects"], commitment="regular",
        sector_preference="adjacent", fit="complementarity", bond="admiration",
        traits=(5, 4, 3, 4, 3), meet_within_km=30, offers_support=True, open_to_projects=True,
        buddy_capacity=5, quiet_hours=("22:30", "07:00"), delivery="instant", rhythm=1.4,
        bio="Fractional product manager in London, helping small teams decide what not to build. "
            "I speak decent French and I love a buddy who stretches me. When a client walks away, "
            "I'm good at the 'what can we learn' chat, over tea."),
    _member(
        "siobhan-kelly", "Siobhán Kelly", "en", languages=["en", "ga"],
        sector="public_relations", skills=["Media relations", "Press releases", "Crisis comms", "Event PR"],
        city="Dublin", time_zone=DUBLIN,
        support=["celebrate_and_comfort", "client_talk"], commitment="regular",
        sector_preference="different", fit="complementarity", bond="conviviality",
        traits=(3, 5, 4, 2, 3), meet_within_km=25, offers_support=True, open_to_projects=False,
        buddy_capacity=3, quiet_hours=None, delivery="instant", rhythm=1.6,
        bio="PR consultant in Dublin. I get small food and tech brands into the papers. I miss "
            "the office banter, so I'm looking for someone to cheer with loudly and moan with "
            "gently. Coffee in Dublin very welcome."),
    _member(
        "priya-raman", "Priya Raman", "en", languages=["en", "ta"],
        sector="ux_research", skills=["User interviews", "Usability testing", "Survey design", "Dovetail"],
        city="Manchester", time_zone=LONDON,
        support=["stimulation", "client_talk"], commitment="regular",
        sector_preference="same", fit="affinity", bond="admiration",
        traits=(4, 3, 3, 5, 4), meet_within_km=None, offers_support=False, open_to_projects=True,
        buddy_capacity=2, quiet_hours=("20:00", "08:00"), delivery="digest", rhythm=0.9,
        bio="UX researcher in Manchester. I talk to users so product teams don't have to guess: "
            "health apps, councils, a few banks. I'd love a fellow researcher to swap methods "
            "with and keep each other honest."),
    _member(
        "james-okafor", "James Okafor", "en", languages=["en"],
        sector="cybersecurity", skills=["Penetration testing", "ISO 27001", "Security audits",
                                        "Incident response"],
        city="Bristol", time_zone=LONDON,
        support=["urgent_advice", "client_talk"], commitment="momentary",
        sector_preference="same", fit="affinity", bond="any",
        traits=(4, 2, 2, 5, 5), meet_within_km=None, offers_support=True, open_to_projects=False,
        buddy_capacity=2, quiet_hours=None, delivery="instant", rhythm=0.7,
        bio="Independent security consultant in Bristol. I break into systems (politely, with "
            "permission) and help small firms fix what I find. Calm in a crisis: ping me when "
            "something's on fire and I'll answer."),
    _member(
        "hannah-schmidt", "Hannah Schmidt", "en", host=True, languages=["en", "de"],
        sector="frontend_development", skills=["React", "TypeScript", "Accessibility", "CSS", "Next.js"],
        city="Berlin", time_zone=BERLIN,
        support=["urgent_advice", "joint_projects", "celebrate_and_comfort"], commitment="projects",
        sector_preference="adjacent", fit="affinity", bond="conviviality",
        traits=(4, 3, 4, 4, 3), meet_within_km=20, offers_support=True, open_to_projects=True,
        buddy_capacity=4, quiet_hours=("23:00", "07:00"), delivery="instant", rhythm=1.2,
        bio="Front-end developer in Berlin, obsessed with accessible interfaces. I build React "
            "apps for NGOs and a few museums. Happy to pair on a bug at short notice, and even "
            "happier to celebrate a launch with you."),
    _member(
        "mateo-garcia", "Mateo García", "en", languages=["en", "es"],
        sector="digital_advertising", skills=["Google Ads", "Meta Ads", "Campaign analytics", "A/B testing"],
        city="Madrid", time_zone=MADRID,
        support=["stimulation", "celebrate_and_comfort"], commitment="momentary",
        sector_preference="any", fit="any", bond="admiration",
        traits=(3, 5, 4, 3, 2), meet_within_km=None, offers_support=False, open_to_projects=True,
        buddy_capacity=3, quiet_hours=None, delivery="instant", rhythm=1.7,
        bio="Paid ads freelancer in Madrid, working in English with startups all over Europe. I "
            "get restless on my own, so I want a buddy who sets me challenges, shares wins "
            "and doesn't mind a voice note or two."),
    _member(
        "ana-ferreira", "Ana Ferreira", "en", languages=["en", "pt", "fr"],
        sector="email_marketing", skills=["Klaviyo", "Mailchimp", "Automation flows", "Copy testing"],
        city="Porto", time_zone=LISBON,
        support=["client_talk", "celebrate_and_comfort"], commitment="regular",
        sector_preference="adjacent", fit="complementarity", bond="conviviality",
        traits=(4, 3, 3, 4, 4), meet_within_km=50, offers_support=False, open_to_projects=False,
        buddy_capacity=2, quiet_hours=("21:00", "08:00"), delivery="digest", rhythm=1.0,
        bio="Email marketer in Porto. I write the welcome emails and abandoned-cart flows of "
            "small online shops. I'm looking for a friendly buddy to talk clients with, and a "
            "pastel de nata in Porto if you pass by."),
    _member(
        "fiona-mcleod", "Fiona McLeod", "en", languages=["en"],
        sector="academic_research", skills=["Qualitative research", "Grant writing", "NVivo",
                                            "Literature reviews"],
        city="Edinburgh", time_zone=LONDON,
        support=["stimulation", "joint_projects"], commitment="projects",
        sector_preference="different", fit="complementarity", bond="admiration",
        traits=(4, 2, 3, 5, 5), meet_within_km=40, offers_support=False, open_to_projects=True,
        buddy_capacity=1, quiet_hours=("18:00", "09:00"), delivery="digest", rhythm=0.5,
        bio="Independent researcher in Edinburgh: I run studies for charities and write grant "
            "bids. Slow, careful work. I'd love one buddy from a completely different world to "
            "build something with."),
    _member(
        "liam-byrne", "Liam Byrne", "en", languages=["en", "ga"],
        sector="voice_podcasting", skills=["Podcast production", "Audio editing", "Voice-over",
                                           "Interviewing"],
        city="Cork", time_zone=DUBLIN,
        support=["celebrate_and_comfort", "joint_projects"], commitment="momentary",
        sector_preference="different", fit="affinity", bond="conviviality",
        traits=(2, 5, 4, 2, 3), meet_within_km=60, offers_support=False, open_to_projects=True,
        buddy_capacity=2, quiet_hours=None, delivery="instant", rhythm=1.3,
        bio="Podcast producer and voice-over artist in Cork. I turn rambling founders into "
            "shows people finish. I work from a tiny booth in my spare room, so a buddy to share "
            "the good days and the odd bad one would be grand."),
    _member(
        "noah-friedman", "Noah Friedman", "en", languages=["en", "fr"],
        sector="journalism", skills=["Long-form features", "Fact-checking", "Interviewing", "Editing"],
        city="Montréal", time_zone=QUEBEC,
        support=["client_talk", "urgent_advice", "celebrate_and_comfort"], commitment="regular",
        sector_preference="adjacent", fit="any", bond="any",
        traits=(3, 4, 4, 3, 3), meet_within_km=15, offers_support=True, open_to_projects=False,
        buddy_capacity=3, quiet_hours=("22:00", "07:00"), delivery="instant", rhythm=1.1,
        bio="Freelance journalist in Montréal, writing in English and French about cities and "
            "climate. Pitches get rejected all the time, so I know how to take a setback. I'm "
            "here to share yours, and cheer your wins."),
)

_BY_KEY = {p.key: p for p in COMMUNITY}


def persona(key: str) -> Persona:
    """The persona with this key; KeyError when there is none."""
    return _BY_KEY[key]
