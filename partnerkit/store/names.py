"""Plausible company and people names for the demo book, by country (with accents and scripts).

Each company pool is (first parts, second parts, suffix); a name combines one of each. Every
part is paired with an ASCII slug used for the demo domain (`<slug>.example`, a reserved TLD, so a
demo link never reaches a real company).
"""

from __future__ import annotations

import random
import unicodedata

Part = tuple[str, str]  # (display text, ascii slug)

COMPANY_POOLS: dict[str, tuple[list[Part], list[Part], list[str]]] = {
    "PT": (
        [("Padaria", "padaria"), ("Conservas", "conservas"), ("Vinhos", "vinhos"),
         ("Cortiça", "cortica"), ("Azulejos", "azulejos"), ("Têxteis", "texteis"),
         ("Ótica", "otica"), ("Turismo", "turismo"), ("Construções", "construcoes"),
         ("Clínica", "clinica"), ("Imobiliária", "imobiliaria"), ("Farmácia", "farmacia")],
        [("São Jorge", "saojorge"), ("do Douro", "douro"), ("Açoriana", "acoriana"),
         ("Ribeira", "ribeira"), ("Alfama", "alfama"), ("Guimarães", "guimaraes"),
         ("Estrela", "estrela"), ("Minhota", "minhota"), ("Algarvia", "algarvia"),
         ("Lusitana", "lusitana"), ("da Sé", "dase"), ("Belém", "belem")],
        ["Lda.", "S.A.", "Unipessoal Lda."],
    ),
    "BR": (
        [("Padaria", "padaria"), ("Construtora", "construtora"), ("Moda", "moda"),
         ("Fazenda", "fazenda"), ("Clínica", "clinica"), ("Tecnologia", "tecnologia"),
         ("Açaí", "acai"), ("Cerâmica", "ceramica"), ("Educação", "educacao"),
         ("Logística", "logistica"), ("Café", "cafe"), ("Óculos", "oculos")],
        [("Ipê Amarelo", "ipeamarelo"), ("Copacabana", "copacabana"),
         ("Boa Esperança", "boaesperanca"),
         ("Araucária", "araucaria"), ("Paulista", "paulista"), ("Pão Quente", "paoquente"),
         ("São João", "saojoao"), ("Tropical", "tropical"), ("Mineira", "mineira"),
         ("Itaúna", "itauna"), ("Guarani", "guarani"), ("Jequitibá", "jequitiba")],
        ["Ltda.", "S.A.", "ME", "EIRELI"],
    ),
    "ES": (
        [("Construcciones", "construcciones"), ("Óptica", "optica"), ("Cervecería", "cerveceria"),
         ("Bodegas", "bodegas"), ("Clínica", "clinica"), ("Muebles", "muebles")],
        [("Peñalara", "penalara"), ("Castellana", "castellana"), ("Alhambra", "alhambra"),
         ("del Ebro", "ebro"), ("Andaluza", "andaluza"), ("Cántabra", "cantabra")],
        ["S.L.", "S.A."],
    ),
    "MX": (
        [("Tortillería", "tortilleria"), ("Cafetería", "cafeteria"), ("Textiles", "textiles"),
         ("Mezcalería", "mezcaleria"), ("Clínica", "clinica")],
        [("La Güera", "laguera"), ("Oaxaqueña", "oaxaquena"), ("del Bajío", "bajio"),
         ("Tapatía", "tapatia"), ("Yucateca", "yucateca")],
        ["S.A. de C.V.", "S. de R.L."],
    ),
    "CO": (
        [("Café", "cafe"), ("Flores", "flores"), ("Textiles", "textiles")],
        [("de Antioquia", "antioquia"), ("Sabanera", "sabanera"), ("del Caribe", "caribe")],
        ["S.A.S."],
    ),
    "FR": (
        [("Boulangerie", "boulangerie"), ("Château", "chateau"), ("Atelier", "atelier"),
         ("Fromagerie", "fromagerie")],
        [("Lefèvre", "lefevre"), ("Côte-Rôtie", "coterotie"), ("Bérénice", "berenice"),
         ("du Lac d'Annecy", "annecy")],
        ["SARL", "SAS"],
    ),
    "JP": (
        [("さくら", "sakura"), ("富士", "fuji"), ("東京", "tokyo"), ("大阪", "osaka"),
         ("北海道", "hokkaido"), ("京都", "kyoto"), ("横浜", "yokohama"), ("名古屋", "nagoya")],
        [("デジタル", "digital"), ("ソフトウェア", "software"), ("食品", "foods"),
         ("物流", "logistics"), ("建設", "kensetsu"), ("化粧品", "cosmetics")],
        ["株式会社", "合同会社"],
    ),
    "GR": (
        [("Αθηναϊκή", "athinaiki"), ("Κρητική", "kritiki"), ("Μακεδονική", "makedoniki"),
         ("Ιονική", "ioniki"), ("Αιγαιακή", "aigaiaki")],
        [("Ναυτιλία", "naftilia"), ("Λογιστική", "logistiki"), ("Τεχνολογία", "technologia"),
         ("Φαρμακευτική", "farmakeftiki"), ("Τουριστική", "touristiki")],
        ["Α.Ε.", "Ε.Π.Ε."],
    ),
    "AE": (
        [("شركة الخليج", "alkhaleej"), ("مؤسسة النخيل", "alnakheel"), ("شركة الواحة", "alwaha"),
         ("دار الصحراء", "alsahraa"), ("شركة النور", "alnoor")],
        [("للتقنية", "tech"), ("للتسويق", "marketing"), ("للتجارة", "trading"),
         ("للإنشاءات", "construction"), ("للأغذية", "foods")],
        [""],
    ),
    "US": (
        [("Blue Ridge", "blueridge"), ("Harbor Point", "harborpoint"),
         ("Prairie Wind", "prairiewind"),
         ("Maple & Main", "maplemain"), ("Redwood", "redwood"), ("Lakeshore", "lakeshore"),
         ("Granite State", "granitestate"), ("Sunbelt", "sunbelt"), ("Cascade", "cascade"),
         ("Bayou", "bayou"), ("Mesa Verde", "mesaverde"), ("Hudson Valley", "hudsonvalley"),
         ("O'Malley", "omalley"), ("Liberty Bell", "libertybell")],
        [("Analytics", "analytics"), ("Dental", "dental"), ("Solar", "solar"),
         ("Bakery", "bakery"), ("Logistics", "logistics"), ("Realty", "realty"),
         ("Fitness", "fitness"), ("Software", "software"), ("Outfitters", "outfitters"),
         ("Insurance", "insurance"), ("Brewing", "brewing"), ("Health", "health")],
        ["LLC", "Inc.", "Co."],
    ),
    "CA": (
        [("Érable", "erable"), ("Northern Lights", "northernlights"),
         ("Boulangerie", "boulangerie")],
        [("Numérique", "numerique"), ("Outfitters", "outfitters"), ("Québécoise", "quebecoise")],
        ["Inc.", "Ltée"],
    ),
    "GB": (
        [("Thistle & Rose", "thistlerose"), ("Camden Lock", "camdenlock"),
         ("Brighton", "brighton")],
        [("Media", "media"), ("Consulting", "consulting"), ("Tea Rooms", "tearooms")],
        ["Ltd", "plc"],
    ),
    "IN": (
        [("Saraswati", "saraswati"), ("Ganga", "ganga"),
         ("नमस्ते", "namaste"), ("Lakshmi", "lakshmi")],
        [("Software", "software"), ("Textiles", "textiles"),
         ("ट्रैवल्स", "travels"), ("Foods", "foods")],
        ["Pvt Ltd", ""],
    ),
    "SG": (
        [("Merlion", "merlion"), ("狮城", "shicheng"), ("Orchard", "orchard")],
        [("Robotics", "robotics"), ("科技", "keji"), ("Trading", "trading")],
        ["Pte Ltd"],
    ),
}

INDUSTRIES = (
    "Retail", "Hospitality", "Manufacturing", "Health care", "Software", "Education",
    "Real estate", "Financial services", "Logistics", "Food & beverage", "Construction",
    "Professional services",
)

# Owners of renewal communication at the partner (people at the agency), by partner country.
STAFF = {
    "PT": ["Ana Sofia Gonçalves", "João Pedro Antunes", "Mariana Lopes", "Rui Conceição"],
    "BR": ["Luíza Albuquerque", "Thiago Nogueira", "Fernanda Araújo", "Mateus Sebastião"],
    "US": ["Ashley Nguyen", "Carlos Ramírez", "Emily O'Brien", "Jordan Kim"],
}
RENEWAL_MANAGERS = ["Siobhán Murphy", "Bruno Lefèvre", "Aiko Tanaka", "Daniel Schäfer",
                    "Priya Iyer"]


def company_name(country: str, rnd: random.Random, taken: set[str]) -> tuple[str, str]:
    """A new (name, ascii slug) for a company in `country`, unique within `taken`."""
    first, second, suffixes = COMPANY_POOLS.get(country, COMPANY_POOLS["US"])
    for attempt in range(200):
        a, b, sfx = rnd.choice(first), rnd.choice(second), rnd.choice(suffixes)
        if country in ("JP",) and sfx == "株式会社":
            name = f"{sfx}{a[0]}{b[0]}" if rnd.random() < 0.5 else f"{a[0]}{b[0]}{sfx}"
        elif country == "AE":
            name = f"{a[0]} {b[0]}"
        else:
            name = " ".join(x for x in (a[0], b[0], sfx) if x)
        slug = f"{a[1]}{b[1]}"
        if attempt >= 100:  # pools exhausted: add a branch number
            name, slug = f"{name} ({attempt - 99})", f"{slug}{attempt - 99}"
        if name not in taken:
            taken.add(name)
            return name, slug
    raise RuntimeError("name pool exhausted")  # pragma: no cover


def ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())
