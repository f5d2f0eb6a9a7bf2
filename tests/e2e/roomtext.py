"""Realistic contributions for big-room tests: what a community-health workshop writes, in
mixed lengths (a few words to a long note), every one unique so it can be found on screen."""

from __future__ import annotations

import random

PLACES = ["the library", "the community centre", "St Mary's hall", "the park by the river",
          "the allotments", "the leisure centre", "the Polish shop", "the mosque kitchen",
          "the youth club", "the bowls club", "the GP surgery", "the food bank",
          "the market on Saturdays", "the canal towpath", "the chapel vestry", "the primary school"]
PEOPLE = ["neighbours", "the lollipop lady", "volunteers", "the pharmacist", "grandparents",
          "the walking group", "new families", "carers", "the choir", "young mums",
          "the men's shed", "the Somali women's group", "retired nurses", "the bus driver"]
HABITS = ["a cup of tea and a chat", "walking together", "growing vegetables", "singing",
          "sharing a meal", "fixing bikes", "knitting", "reading to children",
          "gentle exercise", "playing dominoes", "cooking on a budget", "dancing"]
TAILS = [
    "It is free and nobody asks why you came.",
    "You meet people you would never meet otherwise, and that keeps you going in winter.",
    "When my husband died it was the only place I went for months, and they never let me "
    "sit alone.",
    "It works because it is run by people from round here, not by an office.",
    "We should tell more people about it, especially those who have just moved in.",
    "The bus there stops at six, so people who work cannot get to it.",
    "It would be even better with a ramp and a hearing loop.",
    "My children learnt to ride there and now they teach the little ones.",
]


def notes(n: int, seed: int = 1) -> list[str]:
    """``n`` unique notes of mixed length, as sticky notes are: a third of a few words, a
    third of a line or two, the rest longer, one in ten up to about 250 characters."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        shape = rng.random()
        place, people, habit = rng.choice(PLACES), rng.choice(PEOPLE), rng.choice(HABITS)
        if shape < 0.35:
            text = rng.choice([f"{habit.capitalize()}", f"{place.capitalize()}",
                               f"{people.capitalize()}", f"{habit.capitalize()} at {place}"])
        elif shape < 0.7:
            text = f"{people.capitalize()} at {place}: {habit} every week"
        elif shape < 0.9:
            text = f"{habit.capitalize()} with {people} at {place}. {rng.choice(TAILS)}"
        else:
            text = (f"{place.capitalize()} is where {people} meet for {habit}. "
                    f"{rng.choice(TAILS)} {rng.choice(TAILS)}")
        base, k = text, 1
        while text in seen:  # the same idea twice: a second person adds a word
            k += 1
            text = f"{base} ({k})"
        seen.add(text)
        out.append(text)
    return out


NAMES = ["Amina", "Ben", "Ceri", "Dariusz", "Efua", "Fatima", "Gareth", "Hannah", "Idris",
         "Jola", "Kwame", "Lowri", "Marek", "Nia", "Omar", "Priya", "Rhys", "Sam", "Tomasz",
         "Yusuf", "Zofia", "Aled", "Bronwen", "Chidi"]

THEMES = ["Places to meet", "Walking and green space", "Food and cooking", "Getting there",
          "Young and old together", "Music and singing", "Looking after carers",
          "Faith groups", "Health services nearby", "Learning new skills", "Feeling safe",
          "Welcoming newcomers", "Volunteering", "Money worries", "Sport and movement",
          "Art and making", "Quiet places", "Shops and markets", "Children's play",
          "Digital help", "Housing", "Mental health", "Local news", "Gardening",
          "Pets and animals", "Transport at night", "Disability access", "Language classes",
          "Lunch clubs", "Festivals"]
