"""Who a freelancer of each sector works for, and what they make, in French and English: the
words that make a demo member's moments sound like their trade ("a UX designer wins a redesign
for a bakery chain").

For each sector and language: clients, each with its indefinite article ("une chaîne de
boulangeries", "a bakery chain"), so that a sentence may start with one; and pieces of work,
each a noun phrase with its article ("la refonte d'une appli de commande", "the redesign of an
ordering app"), that reads after "pour"/"for", "livré :"/"delivered:" or "me confie"/"hired me
for". No possessive pointing back at the client, so either may come first.
"""

CLIENTS_AND_WORK: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "ux_design": {
        "fr": (("une chaîne de boulangeries", "une mutuelle régionale", "une mairie de 40 000 habitants"),
               ("la refonte d'une appli de commande", "un parcours de réservation en ligne",
                "un design system complet")),
        "en": (("a bakery chain", "a regional insurer", "a town council"),
               ("the redesign of an ordering app", "an online booking flow", "a full design system")),
    },
    "backend_development": {
        "fr": (("une coopérative agricole", "une start-up de la logistique", "un réseau d'auto-écoles"),
               ("une API de suivi de livraisons", "la migration d'une base PostgreSQL",
                "un back-office de facturation")),
        "en": (("a farming cooperative", "a logistics startup", "a chain of driving schools"),
               ("a delivery tracking API", "a PostgreSQL migration", "an invoicing back office")),
    },
    "copywriting": {
        "fr": (("un domaine viticole", "une marque de cosmétiques bio", "une start-up de la fintech"),
               ("les textes d'un nouveau site", "une série de newsletters", "cinquante fiches produits")),
        "en": (("a wine estate", "an organic skincare brand", "a fintech startup"),
               ("the copy of a new website", "a newsletter series", "fifty product pages")),
    },
    "data_science": {
        "fr": (("une chaîne de jardineries", "un réseau de pharmacies", "une PME du textile"),
               ("un modèle de prévision des ventes", "un tableau de bord des stocks",
                "une étude de la fidélité client")),
        "en": (("a garden centre chain", "a pharmacy network", "a textile company"),
               ("a sales forecasting model", "a stock dashboard", "a customer retention study")),
    },
    "coaching": {
        "fr": (("une fondatrice de start-up", "un cabinet d'avocats", "une association nationale"),
               ("un accompagnement de six mois", "un programme de prise de parole",
                "des séances de coaching d'équipe")),
        "en": (("a startup founder", "a law firm", "a national charity"),
               ("a six-month coaching programme", "a public speaking programme", "team coaching sessions")),
    },
    "photography": {
        "fr": (("un restaurant étoilé", "une maison de thé", "une agence de communication"),
               ("les photos d'une nouvelle carte", "un reportage en cuisine",
                "une série de portraits de chefs")),
        "en": (("a Michelin-starred restaurant", "a tea house", "a creative agency"),
               ("the photos of a new menu", "a behind-the-scenes kitchen shoot",
                "a series of chef portraits")),
    },
    "graphic_design": {
        "fr": (("une brasserie artisanale", "un festival de musique", "une association de quartier"),
               ("une identité visuelle complète", "les étiquettes d'une gamme de bières",
                "l'affiche d'une édition anniversaire")),
        "en": (("a craft brewery", "a music festival", "a neighbourhood charity"),
               ("a full visual identity", "the labels of a beer range", "an anniversary edition poster")),
    },
    "accounting": {
        "fr": (("une boulangerie", "un collectif de graphistes", "un salon de coiffure"),
               ("la tenue des comptes annuels", "les déclarations de TVA", "un bilan de fin d'année")),
        "en": (("a bakery", "a design collective", "a hair salon"),
               ("the annual bookkeeping", "the VAT returns", "a year-end closing")),
    },
    "legal": {
        "fr": (("un studio de jeux vidéo", "une agence de photographes", "une marque de vêtements"),
               ("des conditions générales de vente", "un contrat de cession de droits",
                "une mise en conformité RGPD")),
        "en": (("a video game studio", "a photo agency", "a clothing brand"),
               ("new terms of sale", "a rights assignment contract", "a GDPR compliance review")),
    },
    "artisan_crafts": {
        "fr": (("un couple de collectionneurs", "un hôtel de montagne", "une famille annécienne"),
               ("la restauration d'une commode Louis XV", "une bibliothèque sur mesure",
                "douze tables en noyer")),
        "en": (("a couple of collectors", "a mountain hotel", "a local family"),
               ("the restoration of a Louis XV chest", "a made-to-measure bookcase", "twelve walnut tables")),
    },
    "social_media": {
        "fr": (("une salle d'escalade", "une librairie indépendante", "un groupe de trois restaurants"),
               ("l'animation d'un compte Instagram", "une campagne TikTok",
                "un calendrier éditorial de six mois")),
        "en": (("a climbing gym", "an independent bookshop", "a group of three restaurants"),
               ("an Instagram account to run", "a TikTok campaign", "a six-month content calendar")),
    },
    "devops_cloud": {
        "fr": (("une plateforme de billetterie", "un éditeur de logiciels RH", "une banque en ligne"),
               ("la migration vers Kubernetes", "une chaîne de déploiement continu",
                "la réduction d'une facture cloud")),
        "en": (("a ticketing platform", "an HR software vendor", "an online bank"),
               ("a Kubernetes migration", "a continuous delivery pipeline", "a cloud cost reduction")),
    },
    "translation": {
        "fr": (("un éditeur de jeux vidéo", "un site de vente de matériel de randonnée", "un musée"),
               ("la localisation d'un jeu de 80 000 mots", "la traduction d'un catalogue",
                "les textes d'une exposition")),
        "en": (("a video game publisher", "an outdoor gear shop", "a museum"),
               ("the localisation of an 80,000-word game", "a catalogue translation",
                "the texts of an exhibition")),
    },
    "video_production": {
        "fr": (("un chantier naval", "une conserverie bretonne", "une école de voile"),
               ("un film d'entreprise de trois minutes", "une série de portraits vidéo",
                "un clip tourné au drone")),
        "en": (("a shipyard", "a Breton cannery", "a sailing school"),
               ("a three-minute company film", "a series of video portraits", "a drone-shot clip")),
    },
    "hr_consulting": {
        "fr": (("une start-up de 20 personnes", "une ONG bruxelloise", "une PME familiale"),
               ("un plan de recrutement", "un parcours d'intégration", "une campagne de marque employeur")),
        "en": (("a 20-person startup", "a Brussels NGO", "a family business"),
               ("a hiring plan", "an onboarding programme", "an employer branding campaign")),
    },
    "architecture": {
        "fr": (("un jeune couple", "une coopérative d'habitants", "une commune liégeoise"),
               ("la rénovation d'une maison ouvrière", "l'extension d'une école", "un habitat groupé")),
        "en": (("a young couple", "a housing cooperative", "a small town"),
               ("the renovation of a terraced house", "a school extension", "a co-housing project")),
    },
    "seo": {
        "fr": (("un fabricant de vélos", "un réseau d'agences immobilières", "une boutique de thé en ligne"),
               ("un audit SEO complet", "la refonte de l'arborescence d'un site",
                "une stratégie de mots-clés")),
        "en": (("a bike maker", "a chain of estate agents", "an online tea shop"),
               ("a full SEO audit", "a site structure overhaul", "a keyword strategy")),
    },
    "finance_consulting": {
        "fr": (("une start-up de la medtech", "une fondation genevoise", "une PME horlogère"),
               ("la préparation d'une levée de fonds", "un modèle financier sur cinq ans",
                "un plan de trésorerie")),
        "en": (("a medtech startup", "a Geneva foundation", "a watchmaking company"),
               ("a funding round", "a five-year financial model", "a cash flow plan")),
    },
    "illustration": {
        "fr": (("une maison d'édition jeunesse", "un festival de BD", "une marque de thé"),
               ("les illustrations d'un album", "une affiche de festival", "une série de boîtes illustrées")),
        "en": (("a children's publisher", "a comics festival", "a tea brand"),
               ("the illustrations of a picture book", "a festival poster", "a set of illustrated tins")),
    },
    "game_development": {
        "fr": (("un studio montréalais", "un musée des sciences", "un éditeur indépendant"),
               ("le prototype d'un jeu narratif", "un jeu éducatif sur tablette",
                "le portage d'un jeu sur Switch")),
        "en": (("a Montréal studio", "a science museum", "an indie publisher"),
               ("a narrative game prototype", "an educational tablet game", "a Switch port")),
    },
    "content_strategy": {
        "fr": (("un OBNL en environnement", "une coopérative de producteurs", "une école de langues"),
               ("une ligne éditoriale", "la stratégie de contenu d'un blogue", "un audit de contenu")),
        "en": (("an environmental non-profit", "a producers' cooperative", "a language school"),
               ("an editorial line", "a blog content strategy", "a content audit")),
    },
    "psychology": {
        "fr": (("une entreprise de 200 salariés", "une école d'ingénieurs", "un hôpital de jour"),
               ("des ateliers de prévention du burn-out", "un cycle de conférences sur le stress",
                "un programme de soutien aux managers")),
        "en": (("a 200-person company", "an engineering school", "a day hospital"),
               ("burnout prevention workshops", "a talk series on stress",
                "a support programme for managers")),
    },
    "sports_coaching": {
        "fr": (("un club de trail", "une entreprise d'Annecy", "un groupe de jeunes retraités"),
               ("la préparation d'un ultra-trail", "des séances de sport au bureau",
                "un programme de remise en forme")),
        "en": (("a trail running club", "a local company", "a group of young retirees"),
               ("ultra-trail training", "workplace fitness sessions", "a get-fit programme")),
    },
    "event_planning": {
        "fr": (("un laboratoire pharmaceutique", "un couple de Milanais", "un festival de jazz"),
               ("un séminaire de 120 personnes", "un mariage sur la Riviera", "la logistique d'un festival")),
        "en": (("a pharmaceutical lab", "a couple from Milan", "a jazz festival"),
               ("a 120-person offsite", "a Riviera wedding", "the logistics of a festival")),
    },
    "mobile_development": {
        "fr": (("un réseau de pharmacies", "un club de handball", "une start-up de covoiturage rural"),
               ("une appli Flutter", "la refonte d'une appli iOS", "une appli de réservation")),
        "en": (("a pharmacy network", "a handball club", "a rural carpooling startup"),
               ("a Flutter app", "an iOS app redesign", "a booking app")),
    },
    "nutrition": {
        "fr": (("une entreprise lyonnaise", "un club de rugby", "une crèche"),
               ("des ateliers cuisine", "un suivi nutritionnel d'athlètes", "des menus équilibrés")),
        "en": (("a Lyon company", "a rugby club", "a nursery"),
               ("cooking workshops", "nutrition coaching for athletes", "balanced menus")),
    },
    "music": {
        "fr": (("une agence de pub", "un podcast d'histoire", "une jeune réalisatrice"),
               ("la musique d'un spot radio", "le générique d'un podcast",
                "la bande originale d'un court métrage")),
        "en": (("an ad agency", "a history podcast", "a young film director"),
               ("the music for a radio ad", "a podcast theme", "the score of a short film")),
    },
    "ecommerce": {
        "fr": (("une marque de céramique", "une épicerie fine", "une marque de maillots de bain"),
               ("le lancement d'une boutique Shopify", "la refonte d'un tunnel de commande",
                "l'ouverture à l'export")),
        "en": (("a ceramics brand", "a delicatessen", "a swimwear brand"),
               ("a Shopify store launch", "a checkout redesign", "an export launch")),
    },
    "interior_design": {
        "fr": (("un petit hôtel du Born", "une famille franco-catalane", "un restaurant de tapas"),
               ("la rénovation d'un appartement ancien", "la décoration de douze chambres",
                "l'aménagement d'une salle")),
        "en": (("a small hotel in the Born", "a French-Catalan family", "a tapas restaurant"),
               ("the renovation of an old flat", "the decoration of twelve rooms", "a dining room fit-out")),
    },
    "motion_design": {
        "fr": (("une start-up de la mobilité", "un podcast culturel", "une ONG allemande"),
               ("une vidéo explicative de 90 secondes", "un générique animé", "une série de GIFs animés")),
        "en": (("a mobility startup", "a culture podcast", "a German NGO"),
               ("a 90-second explainer", "an animated title sequence", "a set of animated GIFs")),
    },
    "product_management": {
        "fr": (("une fintech londonienne", "une appli de santé", "une place de marché B2B"),
               ("une mission de product discovery", "une roadmap sur six mois", "le lancement d'une V2")),
        "en": (("a London fintech", "a health app", "a B2B marketplace"),
               ("a product discovery sprint", "a six-month roadmap", "a V2 launch")),
    },
    "public_relations": {
        "fr": (("une marque de chips artisanales", "une start-up irlandaise", "un festival gastronomique"),
               ("une campagne presse", "le lancement d'un produit", "une tournée médias")),
        "en": (("a craft crisp brand", "an Irish tech startup", "a food festival"),
               ("a press campaign", "a product launch", "a media tour")),
    },
    "ux_research": {
        "fr": (("une appli de santé", "une collectivité", "une banque en ligne"),
               ("une série d'entretiens utilisateurs", "des tests d'utilisabilité", "une étude de terrain")),
        "en": (("a health app", "a city council", "a challenger bank"),
               ("a round of user interviews", "usability testing", "a field study")),
    },
    "cybersecurity": {
        "fr": (("un cabinet d'expertise comptable", "une clinique vétérinaire", "une fintech"),
               ("un test d'intrusion", "un audit ISO 27001", "un plan de réponse aux incidents")),
        "en": (("an accounting firm", "a vet clinic", "a fintech"),
               ("a penetration test", "an ISO 27001 audit", "an incident response plan")),
    },
    "frontend_development": {
        "fr": (("un musée berlinois", "une ONG", "une coopérative d'énergie"),
               ("un site accessible en React", "la refonte d'un espace membre", "un audit d'accessibilité")),
        "en": (("a Berlin museum", "an NGO", "an energy cooperative"),
               ("an accessible React site", "a member area rebuild", "an accessibility audit")),
    },
    "digital_advertising": {
        "fr": (("une start-up du voyage", "une marque de baskets", "une école en ligne"),
               ("une campagne Google Ads", "une campagne Meta sur trois pays", "un plan média de lancement")),
        "en": (("a travel startup", "a sneaker brand", "an online school"),
               ("a Google Ads campaign", "a three-country Meta campaign", "a launch media plan")),
    },
    "email_marketing": {
        "fr": (("une boutique de céramique", "une marque de café", "une librairie en ligne"),
               ("une séquence de bienvenue", "des relances de panier abandonné", "la newsletter mensuelle")),
        "en": (("a ceramics shop", "a coffee roaster", "an online bookshop"),
               ("a welcome sequence", "abandoned-cart emails", "the monthly newsletter")),
    },
    "academic_research": {
        "fr": (("une fondation caritative", "une université écossaise", "un réseau d'associations"),
               ("une étude qualitative", "un dossier de demande de subvention", "une revue de littérature")),
        "en": (("a charitable foundation", "a Scottish university", "a network of charities"),
               ("a qualitative study", "a grant application", "a literature review")),
    },
    "voice_podcasting": {
        "fr": (("un fondateur de start-up", "une marque de whiskey", "une radio locale"),
               ("une saison de podcast", "la voix off d'une pub", "le montage de dix épisodes")),
        "en": (("a startup founder", "a whiskey brand", "a local radio station"),
               ("a podcast season", "a voice-over for an ad", "the edit of ten episodes")),
    },
    "journalism": {
        "fr": (("un magazine national", "un quotidien montréalais", "une revue sur le climat"),
               ("un long reportage", "une enquête sur le logement", "une série de portraits")),
        "en": (("a national magazine", "a Montréal daily", "a climate magazine"),
               ("a long-form feature", "an investigation into housing", "a series of profiles")),
    },
}

# For a sector the table does not know (or none given): words any freelancer may use.
GENERIC: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fr": (("une PME locale", "une association", "une start-up"),
           ("une mission de trois mois", "un projet de fond", "une nouvelle collaboration")),
    "en": (("a local business", "a charity", "a startup"),
           ("a three-month project", "a long-term project", "a new collaboration")),
}


def clients_and_work(sector: str | None, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    by_language = CLIENTS_AND_WORK.get(sector or "")
    if by_language is None:
        return GENERIC[language]
    return by_language[language]
