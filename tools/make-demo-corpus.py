"""Writes NeuronScribe's demo corpus: short documents of our own, built from hand-written templates.
Deterministic (seeded). Run once; the output is committed as a resource."""
import json, random, sys

rng = random.Random(20261125)

names = ["Mara", "Tomas", "Ines", "Kofi", "Lena", "Ravi", "Oskar", "Yuki", "Dalia", "Pavel", "Noor", "Emil", "Sade", "Bruno", "Hana", "Felix"]
towns = ["Lisbon", "Tampere", "Accra", "Valparaiso", "Kraków", "Osaka", "Nairobi", "Ghent", "Bergen", "Porto", "Hobart", "Quito", "Tbilisi", "Halifax"]
colours = ["red", "blue", "green", "yellow", "purple", "orange", "black", "white", "grey", "pink", "brown", "violet", "crimson", "teal"]
months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
objects = ["bicycle", "kettle", "lantern", "notebook", "umbrella", "scarf", "teapot", "backpack", "door", "boat", "jacket", "chair", "kite", "mug"]
foods = ["lentil soup", "rye bread", "apple pie", "fried rice", "bean stew", "tomato salad", "pancakes", "fish cakes", "mushroom risotto", "plum jam"]
animals = ["heron", "fox", "badger", "otter", "sparrow", "hedgehog", "goat", "owl", "seal", "lizard"]
verbs_past = ["painted", "repaired", "carried", "borrowed", "found", "sold", "cleaned", "wrapped", "measured", "photographed"]
adjs = ["quiet", "crowded", "narrow", "windy", "bright", "dusty", "cheerful", "old", "tidy", "strange"]
topics = ["the harbour budget", "the new library", "a late train", "the school garden", "the winter market", "a broken bridge", "the choir", "a chess club", "the bakery", "the night bus"]

def pick(xs): return rng.choice(xs)
def num(lo=2, hi=99): return str(rng.randint(lo, hi))

plain = [
  lambda: f"{pick(names)} walked through the {pick(adjs)} streets of {pick(towns)} and stopped at a small cafe near the station.",
  lambda: f"Nobody in the village remembered who had first suggested {pick(topics)}, but everyone had an opinion about it.",
  lambda: f"The {pick(animals)} waited at the edge of the field until the tractor had gone, then slipped under the fence.",
  lambda: f"When {pick(names)} finally opened the letter, it turned out to be an invitation to speak about {pick(topics)}.",
  lambda: f"Most people agree that {pick(foods)} tastes better the next day, after the flavours have had time to settle.",
  lambda: f"{pick(names)} {pick(verbs_past)} the {pick(objects)} and left it by the door for {pick(names)} to collect.",
  lambda: f"It was a {pick(adjs)} afternoon, and the only sound was the wind moving through the tall grass behind the school.",
  lambda: f"The committee met again to discuss {pick(topics)}, although nobody expected a decision before the holidays.",
  lambda: f"According to the guide, the path along the river is easy, but the last part climbs steeply towards the ridge.",
  lambda: f"She told us that the secret to good {pick(foods)} is patience, a heavy pan and a little more salt than you think.",
  lambda: f"After the meeting, {pick(names)} and {pick(names)} argued about whether the plan was brave or simply careless.",
  lambda: f"The museum in {pick(towns)} keeps its oldest maps in a cool room where visitors may look but not touch.",
  lambda: f"He had never seen a {pick(animals)} so close, and for a moment neither of them moved.",
  lambda: f"The report says the project is behind schedule, mostly because the suppliers changed their prices twice.",
  lambda: f"Our neighbours keep bees, and every summer they leave a jar of honey on the wall between the gardens.",
  lambda: f"Local volunteers cleared the beach on Saturday and collected several bags of plastic and fishing line.",
  lambda: f"The teacher asked the class to write a short story about a journey they would like to take one day.",
  lambda: f"If the weather holds, the ferry to the island will run as usual, though the crossing may be rough.",
]
colour_s = [
  lambda: f"{pick(names)} painted the fence {pick(colours)} and the shutters {pick(colours)}, which the neighbours thought was bold.",
  lambda: f"The flag was {pick(colours)} and {pick(colours)}, with a thin {pick(colours)} stripe along the bottom.",
  lambda: f"She wore a {pick(colours)} scarf and carried a {pick(colours)} umbrella, so she was easy to spot in the crowd.",
  lambda: f"In autumn the hills turn {pick(colours)} and {pick(colours)}, and by November the last leaves are {pick(colours)}.",
  lambda: f"The old {pick(objects)} had been {pick(colours)} once, but years of sun had faded it to a pale {pick(colours)}.",
]
digit_s = [
  lambda: f"The bus leaves at {rng.randint(1,12)}:{rng.randint(10,59)} and the trip takes about {num()} minutes.",
  lambda: f"Tickets cost {num()} euros for adults and {num(2,20)} for children under {num(5,15)}.",
  lambda: f"The survey counted {num(100,999)} households, of which {num(10,99)} per cent owned a car.",
  lambda: f"Room {num(100,450)} is on the {num(2,9)}th floor; take the lift and turn left.",
  lambda: f"Add {num(2,9)} cups of flour, {num(2,5)} eggs and {num(100,300)} grams of butter.",
  lambda: f"The team scored {num(1,9)} goals in the first half and {num(1,5)} in the second.",
]
bracket_s = [
  lambda: f"The function returns max(a, b) when both values are set (see section {num(2,9)}).",
  lambda: f"Call print(total) after the loop ends, and close the file with f.close() before returning.",
  lambda: f"The list [{num()}, {num()}, {num()}] is sorted in place, so items[0] is the smallest.",
  lambda: f"Use the config object {{\"mode\": \"fast\", \"retries\": {num(1,5)}}} when the server is busy.",
  lambda: f"The result (which nobody expected) was printed with len(words) and sum(counts) side by side.",
  lambda: f"In the equation f(x) = (x + {num(1,9)}) * (x - {num(1,9)}), the roots are easy to read off.",
]
month_s = [
  lambda: f"The festival moves from {pick(months)} to {pick(months)} next year because of the building work.",
  lambda: f"{pick(names)} was born in {pick(months)}, and her brother was born two years later in {pick(months)}.",
  lambda: f"Between {pick(months)} and {pick(months)} the harbour is quiet, and most boats stay ashore.",
  lambda: f"The library closes for repairs in {pick(months)} and will reopen at the start of {pick(months)}.",
  lambda: f"Applications open in {pick(months)}; the results are announced in late {pick(months)}.",
]

docs = []
for i in range(500):
    n = rng.randint(5, 9)
    parts = []
    for _ in range(n):
        r = rng.random()
        pool = plain if r < 0.72 else colour_s if r < 0.79 else digit_s if r < 0.86 else bracket_s if r < 0.93 else month_s
        parts.append(pick(pool)())
    docs.append(" ".join(parts))
with open(sys.argv[1], "w") as f:
    for d in docs:
        f.write(json.dumps({"text": d}, ensure_ascii=False) + "\n")
print(len(docs), sum(len(d) for d in docs))
