"""Curated supplier chains: which HS codes are inputs of which (input -> output), across chapters.

Codes are prefixes of the Harmonized System (2022): "08" is a chapter, "0813" a heading, "180400" a
subheading; a product matches when its own code starts with the prefix (a product known only by its
chapter matches chapter prefixes, never heading prefixes: "08" is not evidence of dried fruit). The chains are the ones the 2015 report
names or implies (sources in ``source``: ¶ paragraph, Conclusión N); ``note`` says why a link is a
real input -> output relation. Edit here, with a source, and the tests and benchmarks follow.
"""

from __future__ import annotations

from dataclasses import dataclass

FOOD = tuple(f"{c:02d}" for c in range(2, 25))  # chapters 02-24: prepared and fresh food and drink


@dataclass(frozen=True)
class Chain:
    key: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    input_es: str
    input_en: str
    output_es: str
    output_en: str
    source: str
    note: str = ""


CHAINS: tuple[Chain, ...] = (
    Chain(
        "cocoa-chocolate",
        ("1801", "1802", "1803", "1804", "1805"),
        ("1806",),
        "cacao en grano y derivados",
        "cocoa beans and derivatives",
        "chocolate",
        "chocolate",
        "¶ 10 (chocolate procesado, Ecuador); ¶ 21 (cacao, Belice)",
        "beans (1801) and paste, butter, powder (1803-1805) are what chocolate (1806) is made of",
    ),
    Chain(
        "cocoa-processing",
        ("1801",),
        ("1803", "1804", "1805"),
        "cacao en grano",
        "cocoa beans",
        "pasta, manteca y polvo de cacao",
        "cocoa paste, butter and powder",
        "¶ 21 (industria del cacao)",
        "grinders buy beans from growers",
    ),
    Chain(
        "fruit-processed",
        ("07", "08"),
        ("0811", "0812", "0813", "2001", "2006", "2007", "2008", "2009"),
        "frutas y hortalizas frescas",
        "fresh fruit and vegetables",
        "frutas deshidratadas, pulpas, conservas y jugos",
        "dried fruit, pulps, preserves and juices",
        "¶ 10 (frutas deshidratadas); ¶ 17 (frutas procesadas, República Dominicana)",
        "processors buy fresh produce; dried fruit is 0813, jams and pulps 2007, preserved fruit 2008",
    ),
    Chain(
        "tomato-sauces",
        ("0702",),
        ("2002", "2103"),
        "tomate",
        "tomatoes",
        "tomate preparado y salsas",
        "prepared tomatoes and sauces",
        "Anexo III (productores de tomate, Nayarit-Zacatecas-Querétaro)",
    ),
    Chain(
        "hides-leather",
        ("4101", "4102", "4103", "4104", "4105", "4106", "4107", "4112", "4113", "4114"),
        ("42", "64"),
        "cueros y pieles curtidas",
        "hides and tanned leather",
        "marroquinería y calzado",
        "leather goods and footwear",
        "¶ 10 (cuero y calzado, Ecuador)",
        "tanneries supply leather-goods makers (42) and shoemakers (64)",
    ),
    Chain(
        "yarn-apparel",
        (
            "5004",
            "5005",
            "5006",
            "5106",
            "5107",
            "5108",
            "5109",
            "5110",
            "5204",
            "5205",
            "5206",
            "5207",
            "5401",
            "5402",
            "5403",
            "5404",
            "5406",
            "5508",
            "5509",
            "5510",
            "5511",
            "52",
            "54",
            "55",
        ),
        ("61", "62", "63"),
        "hilados y fibras textiles",
        "yarn and textile fibres",
        "prendas de vestir y textiles para el hogar",
        "apparel and home textiles",
        "¶ 10 (textil); ¶ 15 (confección, El Salvador)",
        "spinners and weavers (50-55) supply garment makers (61 knitted, 62 woven, 63 home textiles)",
    ),
    Chain(
        "fabric-apparel",
        (
            "5208",
            "5209",
            "5210",
            "5211",
            "5212",
            "5407",
            "5408",
            "5512",
            "5513",
            "5514",
            "5515",
            "5516",
            "60",
        ),
        ("61", "62", "63", "65"),
        "telas",
        "fabrics",
        "confección",
        "garments",
        "¶ 15 (confección)",
        "woven (52-55) and knitted (60) fabrics are cut and sewn into garments",
    ),
    Chain(
        "wood-furniture",
        ("4401", "4403", "4407", "4408", "4409", "4410", "4411", "4412", "44"),
        ("9401", "9403", "4420", "4421"),
        "madera aserrada y tableros",
        "sawn wood and panels",
        "muebles y artículos de madera",
        "furniture and wooden articles",
        "¶ 16 (sector del mueble, Guatemala); ¶ 17 (muebles de madera); ¶ 12 (cadena agroforestal)",
        "sawmills and panel makers supply furniture (9401, 9403) and woodcraft (4420)",
    ),
    Chain(
        "cartons-food",
        ("4819", "4804", "4805"),
        FOOD,
        "cartón y empaques de papel",
        "cartons and paper packaging",
        "alimentos de exportación",
        "food exports",
        "¶ 15 (plásticos, alimentos); Conclusión 18 (proveeduría); Conclusión 19",
        "every food exporter needs cartons (4819); the report asks to bring such suppliers in",
    ),
    Chain(
        "plastic-packaging",
        ("3923", "3920", "3921"),
        FOOD + ("33", "34"),
        "envases y láminas plásticas",
        "plastic containers and film",
        "alimentos y cosméticos",
        "food and cosmetics",
        "¶ 15 (plásticos); Conclusión 19",
        "bottles, jars and film for packaged goods",
    ),
    Chain(
        "glass-bottles",
        ("7010",),
        ("2009", "22", "33"),
        "botellas de vidrio",
        "glass bottles",
        "jugos, bebidas y cosméticos",
        "juices, beverages and cosmetics",
        "¶ 15 (bebidas); Conclusión 19",
    ),
    Chain(
        "pulp-paper",
        ("47",),
        ("48",),
        "pulpa de madera",
        "wood pulp",
        "papel y cartón",
        "paper and board",
        "Anexo III (Red de Exportación del Sector Papelero)",
    ),
    Chain(
        "sugar-confectionery",
        ("1701", "1702"),
        ("1704", "1806", "2007", "2202"),
        "azúcar",
        "sugar",
        "confitería, chocolate, mermeladas y bebidas",
        "confectionery, chocolate, jams and soft drinks",
        "¶ 15 (alimentos, bebidas)",
    ),
    Chain(
        "milk-dairy",
        ("0401", "0402"),
        ("0403", "0405", "0406", "2105", "1806"),
        "leche",
        "milk",
        "lácteos, helados y chocolate con leche",
        "dairy, ice cream and milk chocolate",
        "¶ 15 (alimentos)",
    ),
    Chain(
        "honey-cosmetics",
        ("0409", "1521"),
        ("3304", "3305", "3401", "1704"),
        "miel y cera de abejas",
        "honey and beeswax",
        "cosmética natural, jabones y confites",
        "natural cosmetics, soaps and sweets",
        "Anexo III (miel); ¶ 15 (cosmetología natural)",
    ),
    Chain(
        "plants-phyto",
        ("1211", "1301", "0909", "0910"),
        ("3003", "3004", "3301", "3304", "2106", "0902"),
        "plantas medicinales y aromáticas",
        "medicinal and aromatic plants",
        "fitofármacos, aceites esenciales y cosméticos",
        "herbal medicines, essential oils and cosmetics",
        "¶ 10 (fitofármacos, cosmética, Ecuador)",
    ),
    Chain(
        "oils-cosmetics",
        ("1511", "1513", "1515"),
        ("3304", "3305", "3401"),
        "aceites vegetales",
        "vegetable oils",
        "cosméticos y jabones",
        "cosmetics and soaps",
        "¶ 10 (cosmética); ¶ 15 (cosmetología natural)",
    ),
    Chain(
        "coffee-roasting",
        ("0901",),
        ("2101",),
        "café verde",
        "green coffee",
        "café soluble y extractos",
        "instant coffee and extracts",
        "taxonomy sector 'coffee' (not in the report)",
    ),
    Chain(
        "grain-milling",
        ("1008", "1005", "1006"),
        ("1102", "1103", "1104", "1904", "1905"),
        "quinua y cereales",
        "quinoa and cereals",
        "harinas, cereales preparados y panadería",
        "flours, prepared cereals and bakery",
        "¶ 10 (quinua, Ecuador)",
    ),
    Chain(
        "seafood-processing",
        ("0302", "0303", "0306"),
        ("1604", "1605"),
        "pescado y camarón",
        "fish and shrimp",
        "conservas y preparaciones de mariscos",
        "canned fish and seafood preparations",
        "¶ 12 and ¶ 21 (camarón, Ecuador)",
    ),
    Chain(
        "steel-metalwork",
        ("72",),
        ("73", "8207", "84"),
        "acero",
        "steel",
        "manufacturas metálicas y maquinaria",
        "metal goods and machinery",
        "¶ 10 (metalmecánico)",
    ),
    Chain(
        "metalwork-autoparts",
        ("73", "7318", "7320"),
        ("8708",),
        "piezas metálicas",
        "metal parts",
        "autopartes",
        "auto parts",
        "¶ 15; Anexo III (autopartes)",
    ),
    Chain(
        "rubber-autoparts",
        ("4011", "4016"),
        ("8708",),
        "neumáticos y piezas de caucho",
        "tyres and rubber parts",
        "autopartes",
        "auto parts",
        "Anexo III (autopartes)",
    ),
    Chain(
        "plastics-articles",
        ("3901", "3902", "3903", "3904", "3907"),
        ("3923", "3924", "3925", "3926"),
        "resinas plásticas",
        "plastic resins",
        "artículos de plástico",
        "plastic articles",
        "¶ 15 (plásticos, El Salvador)",
    ),
    Chain(
        "fibres-handicrafts",
        ("1401", "4601", "5305"),
        ("4602",),
        "fibras vegetales",
        "plant fibres",
        "cestería y artesanías de fibra",
        "basketwork and fibre crafts",
        "¶ 16 (sector artesanal)",
    ),
    Chain(
        "silver-jewellery",
        ("7106",),
        ("7113", "7117"),
        "plata",
        "silver",
        "joyería y bisutería",
        "jewellery",
        "¶ 16 (artesanía)",
    ),
)

BY_KEY = {c.key: c for c in CHAINS}


def code_matches(code: str, prefix: str) -> bool:
    return code.startswith(prefix)


def chains_fed_by(code: str) -> list[Chain]:
    return [c for c in CHAINS if any(code_matches(code, p) for p in c.inputs)]


def chains_feeding(code: str) -> list[Chain]:
    return [c for c in CHAINS if any(code_matches(code, p) for p in c.outputs)]


def supply_links(supplier_codes: list[str], buyer_codes: list[str]) -> list[tuple[Chain, str, str]]:
    """Every (chain, supplier code, buyer code) where the supplier's product is an input of the buyer's."""
    links = []
    for chain in CHAINS:
        ins = [s for s in supplier_codes if any(code_matches(s, p) for p in chain.inputs)]
        if not ins:
            continue
        outs = [b for b in buyer_codes if any(code_matches(b, p) for p in chain.outputs)]
        # A processor of the same kind is not its own supplier (0813 dried fruit is in 08 and an output).
        pairs = [(s, b) for s in ins for b in outs if s[:4] != b[:4]]
        if pairs:
            links.append((chain, *pairs[0]))
    return links


def links_between(supplier, buyer) -> list[tuple[Chain, str, str]]:  # type: ignore[no-untyped-def]
    """supply_links for two profiles, using the chain keys they precomputed (the fast path)."""
    links = []
    for key in sorted(supplier.supplies & buyer.buys):
        pairs = [
            (s, b)
            for s in supplier.inputs_by_chain[key]
            for b in buyer.outputs_by_chain[key]
            if s[:4] != b[:4]
        ]
        if pairs:
            links.append((BY_KEY[key], *pairs[0]))
    return links
