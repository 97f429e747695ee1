"""A simulated week of the support loop (bench/support_loop.py): members living on a virtual
clock, acting through the services' own use cases, over a real store.

- ``truth``: when a member is really there (asleep, in focus, away), which the system only
  partly knows;
- ``people``: the population, its behaviours and what each member plans for the week;
- ``store``: nx-27017 started as the test suite starts it (mongomock only if it cannot start);
- ``bus`` and ``services``: profiles, matching and notifications over one clock, their events
  carried between them in order, as the broker would;
- ``senders``: mail and push doubles that note when each notification went out;
- ``community``: the sign-ups, answers and first round before the week;
- ``actors``: members noticing what reaches them and answering with their behaviour's delay;
- ``engine`` and ``timers``: the virtual clock's queue of actions, and the services' timers
  run at the ticks where the events announce work;
- ``figures`` and ``setbacks``: what the week shows; ``logs``: the services' logs, counted.
"""
