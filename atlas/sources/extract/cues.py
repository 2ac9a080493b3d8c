"""Cue words per fact type in de / en / ru: (stem regex, type, weight, label).

Weights: 3 = names the fact on its own (Gipfel, Sanktionen, Gaspipeline),
2 = strong hint (Handel, Besuch, Investition), 1 = context only (Zusammenarbeit,
Krieg, Hilfe); a sentence needs a total of 2 for its best type to become a fact.
"""
from __future__ import annotations

W = r"\w*"
CUES: list[tuple[str, str, int, str]] = []


def _add(type_: str, weight: int, label: str, *stems: str) -> None:
    CUES.extend((s, type_, weight, label) for s in stems)


_add("diplomacy", 3, "summit", f"gipfel{W}", f"summit{W}", f"саммит{W}", f"staatsbesuch{W}", "state visit")
_add("diplomacy", 2, "visit", f"besuch{W}", f"visit{W}", f"визит{W}", f"посетил{W}", f"посещени{W}")
_add("diplomacy", 2, "meeting", "treffen", "trafen", "traf", f"getroffen", f"meeting{W}", "met", "meet", "meets", f"встреч{W}",
     f"gespräch{W}", "talks", f"переговор{W}", f"встретил{W}", f"встретят{W}")
_add("diplomacy", 2, "agreement", f"abkommen{W}", f"vereinbarung{W}", f"agreement{W}", f"memorand{W}",
     f"соглашени{W}", f"меморандум{W}", f"unterzeichn{W}", "signed", f"подписал{W}", f"подписан{W}", f"vertrag{W}", "treaty")
_add("diplomacy", 1, "cooperation", "zusammenarbeit", f"kooperation{W}", f"cooperation{W}", f"сотрудничеств{W}",
     f"partnerschaft{W}", f"partnership{W}", f"партнерств{W}", f"einfluss{W}", "influence", f"влияни{W}",
     f"außenminister{W}", "foreign minister", f"botschaft{W}", f"embassy{W}", f"посольств{W}", f"diplomat{W}", f"дипломат{W}")
_add("security", 3, "defence cooperation", f"verteidigung{W}", f"defen[cs]e{W}", f"оборон{W}")
_add("security", 3, "military base", f"militärbasis{W}", f"stützpunkt{W}", r"military\s+bases?", f"airbase{W}",
     r"воен\w*\s+баз\w*", f"авиабаз{W}", r"air\s+bases?", r"naval\s+bases?")
_add("security", 3, "armed clash", f"перестрелк{W}", f"столкновени{W}", r"clash(?:es|ed)?", f"gefecht{W}", f"feuergefecht{W}",
     f"zusammenstö{W}", f"zusammenstoß{W}", f"обстрел{W}", "shelling", f"skirmish{W}", f"grenzkonflikt{W}")
_add("security", 2, "troops", "troops", r"soldiers?", f"soldaten", f"truppen{W}", f"войск{W}", f"военнослужащ{W}",
     f"пограничник{W}", r"border\s+guards?", r"guards", f"grenzschutz{W}", f"grenzsoldat{W}", f"grenzschützer{W}")
_add("security", 1, "attack", f"attack{W}", f"anschlag{W}", f"anschläg{W}", f"angriff{W}", f"нападени{W}", f"атак{W}")
_add("security", 2, "military cooperation", f"militär{W}", "military", f"воен{W}", f"armee{W}", "army", f"арми{W}")
_add("security", 2, "security cooperation", f"sicherheit{W}", "security", f"безопасност{W}")
_add("security", 2, "military exercise", f"manöver{W}", f"militärübung{W}", r"exercises?", "drills", "учения", "учений",
     "учениях", f"учениям")
_add("security", 2, "arms", f"waffen{W}", r"weapons?", "arms", f"вооружени{W}", f"оружи{W}")
_add("security", 2, "counter-terrorism", f"terror{W}", f"террор{W}", f"extremis{W}", f"экстремиз{W}")
_add("security", 1, "conflict", f"krieg{W}", "wars", "warfare", f"войн{W}", f"konflikt{W}", f"conflict{W}", f"конфликт{W}")
_add("finance", 3, "loan", f"kredit{W}", f"loan{W}", f"кредит{W}", f"darlehen{W}")
_add("finance", 3, "financial aid pledge", r"finanziell\w*\s+unterstützung", f"finanzhilfe{W}",
     r"financial\s+(?:support|aid|assistance)", r"финансов\w*\s+помощ\w*", r"unentgeltlich\w*", f"grant{W}",
     f"zuschuss{W}", f"безвозмездн{W}", f"гранты?", f"гранта?")
_add("finance", 2, "investment", f"investition{W}", f"invest{W}", f"инвестиц{W}", f"инвестир{W}", f"investor{W}")
_add("finance", 1, "aid", "hilfe", "aid", f"помощ{W}", f"fonds", r"funds?", f"фонд{W}", f"entwicklungsbank{W}",
     r"development\s+bank", f"банк{W}")
_add("energy", 3, "gas pipeline construction", f"pipeline{W}", f"gaspipeline{W}", f"gasleitung{W}", f"газопровод{W}",
     f"нефтепровод{W}", f"трубопровод{W}")
_add("energy", 3, "hydropower", f"wasserkraft{W}", f"hydropower{W}", f"hydroelectric{W}", f"гидроэлектр{W}", "ГЭС",
     f"kraftwerk{W}", r"power\s+plants?", f"электростанц{W}", f"staudamm{W}", f"dam", f"плотин{W}")
_add("energy", 2, "energy cooperation", f"energie{W}", r"energy", f"энерг{W}", f"strom", f"electricity", f"электроэнерг{W}")
_add("energy", 2, "oil and gas", f"erdgas{W}", "gas", r"газ(?:а|у|ом|е|ов\w*)?", f"öl", f"erdöl{W}", "oil", f"нефт{W}",
     f"lng", f"спг")
_add("energy", 2, "nuclear power", f"kernkraft{W}", f"atomkraft{W}", f"kernenergie{W}", "nuclear", f"атомн{W}", "АЭС",
     f"uran{W}", f"уран{W}")
_add("infrastructure", 3, "railway", f"eisenbahn{W}", f"railway{W}", f"railroad{W}", f"bahnstrecke{W}",
     r"железн\w*\s+дорог\w*", f"железнодорожн{W}", f"trockenhafen{W}", r"dry\s+port", r"сух\w*\s+порт\w*")
_add("infrastructure", 2, "transport corridor", f"korridor{W}", f"corridor{W}", f"коридор{W}", f"autobahn{W}",
     "highway", f"автодорог{W}", f"logistik{W}", "logistics",
     f"логистик{W}", f"transit{W}", f"транзит{W}")
_add("infrastructure", 1, "airport", f"flughafen{W}", f"airport{W}", f"аэропорт{W}")
_add("infrastructure", 1, "construction", f"bau", f"baus", "construction", f"строительств{W}", f"infrastruktur{W}",
     f"infrastructure", f"инфраструктур{W}")
_add("trade", 3, "trade", r"trad(?:e|ing)\s+partners?", f"handelspartner{W}", r"торгов\w*\s+партнер\w*", f"товарооборот{W}",
     r"trade\s+turnover", f"handelsvolum{W}", r"bilateral\s+trade", f"handelsabkommen{W}", r"trade\s+(?:agreement|deal)s?",
     r"free\s+trade", f"freihandel{W}", r"re-?exports?", f"reexport{W}", f"реэкспорт{W}")
_add("trade", 2, "trade", f"handel{W}", "trade", "trading", f"торгов{W}", f"export{W}",
     f"import{W}", f"экспорт{W}", f"импорт{W}", f"parallelimport{W}", f"zoll{W}", "customs", f"tariff{W}",
     f"таможен{W}", f"пошлин{W}")
_add("trade", 1, "border", f"grenze{W}", r"borders?", f"границ{W}")
_add("sanctions", 4, "sanctions", f"sanktion{W}", f"sanction{W}", f"санкц{W}", f"embargo{W}", "эмбарго",
     f"exportkontroll{W}", r"export\s+controls?", r"экспортн\w*\s+контрол\w*")

# Words that sharpen the label of the winning type.
OFFER = r"angebot|anbiet|biet|offer|propos|vorschl|schlug|предлож|предлага"
PLEDGE = r"verspr|kündigt|ankündig|bereitzustellen|bereitstell|pledg|promis|announc|пообещ|обещ|выдел|заяв"
CLOSE = r"geschlossen|schließ|schloss|closed|clos|закры"
BUILD = r"bau|construct|build|строител|строит|beschleunig|accelerat|ускор"
BACKGROUND = (r"erinnern\s+sie\s+sich|zur\s+erinnerung|erinnert\s+sei|bereits\s+im|bereits\s+am|zuvor|damals|"
              r"im\s+vergangenen\s+jahr|letztes\s+jahr|recall\s+that|\brecall|earlier\s+this|previously|last\s+year|"
              r"back\s+in|in\s+the\s+past|напомним|ранее|прошлом\s+году|прежде|до\s+этого|еще\s+в")
CONTINUATION = (r"(?:er|sie|es|dies\w*|diese\w*|außerdem|zudem|auch|darüber|dabei|he|she|it|they|this|these|also|"
                r"in\s+addition|moreover|он|она|оно|они|это|кроме\s+того|также|при\s+этом)\b")
PRIORITY = ("sanctions", "security", "energy", "finance", "infrastructure", "trade", "diplomacy")
