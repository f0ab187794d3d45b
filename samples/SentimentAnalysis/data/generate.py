#!/usr/bin/env python3
"""Writes sentiment.tsv: synthetic product and service reviews, written for this repository.

Deterministic (fixed seed): run it again and the file is byte-for-byte the same. About 5% of the labels
are flipped on purpose so that the model cannot be perfect and its metrics mean something.
"""
import random

random.seed(20261128)

subjects = ["the battery", "this phone", "the delivery", "the support team", "the screen", "this laptop",
            "the hotel room", "the food", "the waiter", "the app", "the update", "the checkout",
            "the headphones", "the camera", "the keyboard", "the manual", "the price", "the service",
            "the installer", "the coffee", "the sound", "the refund", "the packaging"]
positive = ["great", "excellent", "fast", "reliable", "friendly", "amazing", "helpful", "solid", "clean",
            "comfortable", "intuitive", "sharp", "quiet", "delicious", "fair", "smooth", "wonderful", "superb"]
negative = ["terrible", "slow", "broken", "rude", "awful", "useless", "noisy", "dirty", "confusing",
            "overpriced", "flimsy", "laggy", "cold", "buggy", "disappointing", "horrible", "late", "poor"]
intensifiers = ["", "", "really ", "very ", "quite ", "extremely ", "surprisingly ", "honestly "]
pos_tails = ["I would buy it again.", "Highly recommended.", "Five stars.", "Will come back.", "Love it.",
             "Worth every cent.", "", "", "Thanks!"]
neg_tails = ["Never again.", "I want my money back.", "One star.", "Avoid it.", "Not worth it.",
             "Very annoyed.", "", "", "What a waste."]
templates = ["{s} was {i}{a}.", "{S} is {i}{a}.", "I found {s} {i}{a}.", "Honestly, {s} felt {i}{a}.",
             "{S} turned out {i}{a}, {t}", "{S} is {i}{a}. {t}", "Overall {s} was {i}{a}. {t}"]


def sentence(label):
    words = positive if label else negative
    tails = pos_tails if label else neg_tails
    s = random.choice(subjects)
    text = random.choice(templates).format(s=s, S=s[0].upper() + s[1:], i=random.choice(intensifiers),
                                           a=random.choice(words), t=random.choice(tails))
    # Negated opposites ("not bad") make the task less trivial.
    if random.random() < 0.15:
        opposite = negative if label else positive
        text += f" It was not {random.choice(opposite)} at all."
    return " ".join(text.split())


rows = []
for n in range(1200):
    label = n % 2 == 0
    text = sentence(label)
    if random.random() < 0.05:
        label = not label
    rows.append((label, text))
random.shuffle(rows)

with open("sentiment.tsv", "w", encoding="utf-8", newline="\n") as f:
    f.write("Label\tText\n")
    for label, text in rows:
        f.write(f"{'true' if label else 'false'}\t{text}\n")
