"""Random members over the real vocabularies, for the property tests of the score and the
embedding (hypothesis). Each test chooses its own names, zones, cities and languages."""

from hypothesis import strategies as st

from workbuddy_contracts.sectors import CODES
from workbuddy_contracts.vocabulary import BONDS, COMMITMENTS, FITS, SECTOR_PREFERENCES, SUPPORT, TRAITS
from workbuddy_matching.domain.compatibility import Candidate


def candidates(*, member_ids, display_names, spoken, max_languages: int, zones, cities):
    return st.builds(
        Candidate,
        member_id=st.sampled_from(member_ids),
        display_name=st.sampled_from(display_names),
        language=st.sampled_from(["fr", "en"]),
        languages=st.frozensets(st.sampled_from(spoken), min_size=1, max_size=max_languages),
        time_zone=st.sampled_from(zones),
        city=st.none() | st.sampled_from(cities),
        sector=st.none() | st.sampled_from(CODES),
        support=st.frozensets(st.sampled_from(SUPPORT)),
        commitment=st.none() | st.sampled_from(COMMITMENTS),
        sector_preference=st.sampled_from(SECTOR_PREFERENCES),
        fit=st.sampled_from(FITS),
        bond=st.sampled_from(BONDS),
        traits=st.dictionaries(st.sampled_from(TRAITS), st.integers(1, 5)).map(
            lambda answers: tuple(sorted(answers.items()))),
        capacity=st.integers(1, 5),
        active=st.booleans(),
        responsiveness=st.none() | st.floats(0, 1),
        reaction_minutes=st.none() | st.floats(0, 3000),
        meet_in_person=st.sampled_from([False, False, True]),
        meet_within_km=st.sampled_from([1, 10, 30, 100, 500]),
    )
