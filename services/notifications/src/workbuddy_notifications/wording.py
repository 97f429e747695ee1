"""Words a member reads, in French and English."""

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
